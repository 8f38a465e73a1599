import path from 'node:path';
import { OsExecutor } from './commands/os-executor.ts';
import { AgentClient } from './transport/agent-client.ts';
import { FileJournal } from './transport/journal.ts';
import { loadOrEnroll } from './transport/identity.ts';
import { HttpFileTransfers } from './transport/http-transfers.ts';
import { AGENT_VERSION } from './version.ts';
import { defaultOsName, LocalIdentitySensor } from './identity/sensor.ts';

export interface RunAgentOptions {
  serverUrl: string;
  enrollToken?: string;
  stateDir: string;
  allowPower?: boolean;
  /** Run the identity module: report local accounts and authentications (Linux). */
  identitySensor?: boolean;
  /** The auth log the identity module follows instead of auth.log, secure or the journal. */
  identityAuthLog?: string;
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
  const executor = new OsExecutor({ agentVersion: AGENT_VERSION, allowPower: opts.allowPower, stateDir });
  const identity = await loadOrEnroll(stateDir, opts.serverUrl, opts.enrollToken, () => executor.inventory());
  const journal = new FileJournal(path.join(stateDir, 'journal.jsonl'));
  const client = new AgentClient({
    identity,
    executor,
    journal,
    transfers: (tokenFor) => new HttpFileTransfers({ serverUrl: identity.server_url, tokenFor }),
    log: opts.log,
  });
  const sensor = opts.identitySensor ? await startIdentitySensor(client, identity.device_id, executor, opts) : undefined;
  client.start();
  return {
    client,
    deviceId: identity.device_id,
    stop() {
      sensor?.stop();
      client.stop();
      journal.close();
    },
  };
}

async function startIdentitySensor(client: AgentClient, deviceId: string, executor: OsExecutor, opts: RunAgentOptions): Promise<LocalIdentitySensor> {
  const inv = await executor.inventory();
  const sensor = new LocalIdentitySensor({ client, deviceId, hostname: inv.hostname, localIp: inv.local_ip, osName: inv.os_product_name || defaultOsName(), authLogPath: opts.identityAuthLog, log: opts.log });
  sensor.start();
  return sensor;
}
