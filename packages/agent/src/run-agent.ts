import path from 'node:path';
import { OsExecutor } from './commands/os-executor.ts';
import { installCrashPolicy } from './crash-policy.ts';
import type { LoginSources } from './logins/index.ts';
import { ProtectedPaths } from './commands/index.ts';
import { AgentClient, FileJournal, loadOrEnroll, HttpFileTransfers, httpsAgent, type AgentTls } from './transport/index.ts';
import { AGENT_VERSION } from './version.ts';
import { defaultOsName, LocalIdentitySensor } from './identity/index.ts';

export interface RunAgentOptions {
  serverUrl: string;
  enrollToken?: string;
  stateDir: string;
  allowPower?: boolean;
  /** Where login records are read (default: the OS's own). */
  loginSources?: LoginSources;
  /** More paths to protect besides the state directory (the server's data directory on its host). */
  protect?: string[];
  /** CA to trust for an https:// server, or no checking (see transport/tls.ts). */
  tls?: AgentTls;
  /** Run the identity module: report local accounts and authentications (Linux). */
  identitySensor?: boolean;
  /** The auth log the identity module follows instead of auth.log, secure or the journal. */
  identityAuthLog?: string;
  /** Longest wait between reconnect attempts (the client's default when absent). */
  reconnectMaxMs?: number;
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
  const log = opts.log ?? ((level, msg, extra) => console[level](msg, extra ?? ''));
  const outputDir = path.join(stateDir, OUTPUT_SUBDIR);
  const protect = new ProtectedPaths({ roots: [stateDir, ...(opts.protect ?? [])], allowed: [outputDir] });
  const inventoryOnly = new OsExecutor({ agentVersion: AGENT_VERSION, loginSources: opts.loginSources, containmentDir: stateDir });
  // A host contained before this (re)start is contained again before anything else happens.
  await inventoryOnly.containmentControl.restore().catch((err) => log('error', 'containment could not be restored', { err: (err as Error).message }));
  // The server is wherever --server says now (it may have moved); the state holds only the credentials.
  const enrolled = await loadOrEnroll(stateDir, opts.serverUrl, opts.enrollToken, () => inventoryOnly.inventory(), opts.tls);
  const identity = { ...enrolled, server_url: opts.serverUrl };
  const executor = new OsExecutor({
    agentVersion: AGENT_VERSION,
    allowPower: opts.allowPower,
    stateDir: outputDir,
    // Containment rules stay in the protected state directory, out of reach of rm/put.
    containmentDir: stateDir,
    loginSources: opts.loginSources,
    protect,
    secretValues: [identity.agent_secret, opts.enrollToken ?? ''],
  });
  const secure = /^(https|wss):/.test(identity.server_url);
  const transfersAgent = secure ? httpsAgent(opts.tls) : undefined;
  const journal = new FileJournal(path.join(stateDir, 'journal.jsonl'));
  for (const d of journal.damage) {
    log('error', `journal line ${d.line} is damaged${d.id ? `; command ${d.id} is reported as failed and not run` : ' and names no legible command'}`, { journal: 'journal.jsonl' });
  }
  const crashes = installCrashPolicy({ log });
  const client = new AgentClient({
    identity,
    executor,
    journal,
    transfers: (tokenFor) => new HttpFileTransfers({ serverUrl: identity.server_url, tokenFor, agent: transfersAgent }),
    log,
    tls: opts.tls,
    reconnectMaxMs: opts.reconnectMaxMs,
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
      crashes.uninstall();
      transfersAgent?.destroy();
    },
  };
}

async function startIdentitySensor(client: AgentClient, deviceId: string, executor: OsExecutor, opts: RunAgentOptions): Promise<LocalIdentitySensor> {
  const inv = await executor.inventory();
  const sensor = new LocalIdentitySensor({ client, deviceId, hostname: inv.hostname, localIp: inv.local_ip, osName: inv.os_product_name || defaultOsName(), authLogPath: opts.identityAuthLog, log: opts.log });
  sensor.start();
  return sensor;
}
