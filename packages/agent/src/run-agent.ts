import path from 'node:path';
import { OsExecutor } from './commands/os-executor.ts';
import { ProtectedPaths } from './commands/protected-paths.ts';
import { AgentClient } from './transport/agent-client.ts';
import { FileJournal } from './transport/journal.ts';
import { loadOrEnroll } from './transport/identity.ts';
import { HttpFileTransfers } from './transport/http-transfers.ts';
import { httpsAgent, type AgentTls } from './transport/tls.ts';
import { AGENT_VERSION } from './version.ts';

export interface RunAgentOptions {
  serverUrl: string;
  enrollToken?: string;
  stateDir: string;
  allowPower?: boolean;
  /** More paths to protect besides the state directory (the server's data directory on its host). */
  protect?: string[];
  /** CA to trust for an https:// server, or no checking (see transport/tls.ts). */
  tls?: AgentTls;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export interface RunningAgent {
  client: AgentClient;
  deviceId: string;
  stop(): void;
}

/** Files the agent makes for responders to fetch (dumps, exports): the one part of the state directory commands may use. */
export const OUTPUT_SUBDIR = 'output';

/**
 * A real agent on this machine: enroll once (identity kept in the state dir), then stay connected.
 * The state directory (its secret and journal) is protected from every command, as are `protect`.
 */
export async function runAgent(opts: RunAgentOptions): Promise<RunningAgent> {
  const stateDir = path.resolve(opts.stateDir);
  const outputDir = path.join(stateDir, OUTPUT_SUBDIR);
  const protect = new ProtectedPaths({ roots: [stateDir, ...(opts.protect ?? [])], allowed: [outputDir] });
  const inventoryOnly = new OsExecutor({ agentVersion: AGENT_VERSION });
  // The server is wherever --server says now (it may have moved); the state holds only the credentials.
  const enrolled = await loadOrEnroll(stateDir, opts.serverUrl, opts.enrollToken, () => inventoryOnly.inventory(), opts.tls);
  const identity = { ...enrolled, server_url: opts.serverUrl };
  const executor = new OsExecutor({
    agentVersion: AGENT_VERSION,
    allowPower: opts.allowPower,
    stateDir: outputDir,
    protect,
    secretValues: [identity.agent_secret, opts.enrollToken ?? ''],
  });
  const secure = /^(https|wss):/.test(identity.server_url);
  const transfersAgent = secure ? httpsAgent(opts.tls) : undefined;
  const journal = new FileJournal(path.join(stateDir, 'journal.jsonl'));
  const client = new AgentClient({
    identity,
    executor,
    journal,
    transfers: (tokenFor) => new HttpFileTransfers({ serverUrl: identity.server_url, tokenFor, agent: transfersAgent }),
    log: opts.log,
    tls: opts.tls,
  });
  client.start();
  return {
    client,
    deviceId: identity.device_id,
    stop() {
      client.stop();
      journal.close();
      transfersAgent?.destroy();
    },
  };
}
