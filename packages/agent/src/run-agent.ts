import path from 'node:path';
import { OsExecutor } from './commands/os-executor.ts';
import { installCrashPolicy } from './crash-policy.ts';
import type { LoginSources } from './logins/index.ts';
import { AgentClient } from './transport/agent-client.ts';
import { FileJournal } from './transport/journal.ts';
import { loadOrEnroll } from './transport/identity.ts';
import { HttpFileTransfers } from './transport/http-transfers.ts';
import { AGENT_VERSION } from './version.ts';

export interface RunAgentOptions {
  serverUrl: string;
  enrollToken?: string;
  stateDir: string;
  allowPower?: boolean;
  /** Where login records are read (default: the OS's own). */
  loginSources?: LoginSources;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export interface RunningAgent {
  client: AgentClient;
  deviceId: string;
  stop(): void;
}

/** A real agent on this machine: enroll once (identity kept in the state dir), then stay connected. */
export async function runAgent(opts: RunAgentOptions): Promise<RunningAgent> {
  const stateDir = path.resolve(opts.stateDir);
  const executor = new OsExecutor({ agentVersion: AGENT_VERSION, allowPower: opts.allowPower, stateDir, loginSources: opts.loginSources });
  // A host contained before this (re)start is contained again before anything else happens.
  await executor.containmentControl.restore().catch((err) => opts.log?.('error', 'containment could not be restored', { err: (err as Error).message }));
  const identity = await loadOrEnroll(stateDir, opts.serverUrl, opts.enrollToken, () => executor.inventory());
  const log = opts.log ?? ((level, msg, extra) => console[level](msg, extra ?? ''));
  const journal = new FileJournal(path.join(stateDir, 'journal.jsonl'));
  for (const d of journal.damage) {
    log('error', `journal line ${d.line} is damaged${d.id ? `; command ${d.id} is reported as failed and not run` : ' and names no legible command'}`, { journal: 'journal.jsonl' });
  }
  const crashes = installCrashPolicy({ log });
  const client = new AgentClient({
    identity,
    executor,
    journal,
    transfers: (tokenFor) => new HttpFileTransfers({ serverUrl: identity.server_url, tokenFor }),
    log,
  });
  client.start();
  return {
    client,
    deviceId: identity.device_id,
    stop() {
      client.stop();
      journal.close();
      crashes.uninstall();
    },
  };
}
