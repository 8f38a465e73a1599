import { FalconClient } from 'crowdstrike-falcon';
import { startTestServer, type ApiResponse, type TestServer } from './server.ts';
import { startTestAgent, type TestAgent } from './agent.ts';

export type RtrTier = 'read' | 'active' | 'admin';

const EXECUTE: Record<RtrTier, string> = {
  read: '/real-time-response/entities/command/v1',
  active: '/real-time-response/entities/active-responder-command/v1',
  admin: '/real-time-response/entities/admin-command/v1',
};

export const RTR_SCOPES: Record<RtrTier, string[]> = {
  read: ['real-time-response:read'],
  active: ['real-time-response:read', 'real-time-response:write'],
  admin: ['real-time-response:read', 'real-time-response:write', 'real-time-response-admin:write'],
};

/** Falcon RTR over plain HTTP, for tests: open sessions, run command lines, wait for output. */
export function rtr(t: TestServer, token: string) {
  const api = (method: string, path: string, json?: unknown) => t.api(method, path, { token, json });

  async function init(device_id: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
    return api('POST', '/real-time-response/entities/sessions/v1', { device_id, ...extra });
  }

  async function session(device_id: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await init(device_id, extra);
    if (res.status !== 201) throw new Error(`init failed: ${res.status} ${res.text}`);
    return res.body.resources[0].session_id;
  }

  async function execute(session_id: string, line: string, tier: RtrTier = 'admin', extra: Record<string, unknown> = {}): Promise<ApiResponse> {
    const base = line.trim().split(/\s+/)[0] ?? '';
    return api('POST', EXECUTE[tier], { session_id, base_command: base, command_string: line, ...extra });
  }

  async function status(cloud_request_id: string, sequence_id = 0, tier: RtrTier = 'admin'): Promise<ApiResponse> {
    return api('GET', `${EXECUTE[tier]}?cloud_request_id=${encodeURIComponent(cloud_request_id)}&sequence_id=${sequence_id}`);
  }

  /** Poll until complete (or `ms` pass); answers the last status resource. */
  async function wait(cloud_request_id: string, ms = 15_000, tier: RtrTier = 'admin'): Promise<{ complete: boolean; stdout: string; stderr: string; [k: string]: unknown }> {
    const until = Date.now() + ms;
    for (;;) {
      const res = await status(cloud_request_id, 0, tier);
      if (res.status !== 200) throw new Error(`status failed: ${res.status} ${res.text}`);
      const r = res.body.resources[0];
      if (r.complete || Date.now() > until) return r;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  /** Execute and wait: the command's final stdout/stderr. */
  async function run(session_id: string, line: string, tier: RtrTier = 'admin'): Promise<{ complete: boolean; stdout: string; stderr: string; cloud_request_id: string }> {
    const res = await execute(session_id, line, tier);
    if (res.status !== 201) throw new Error(`execute "${line}" failed: ${res.status} ${res.text}`);
    const id = res.body.resources[0].cloud_request_id;
    return { ...(await wait(id, 15_000, tier)), cloud_request_id: id };
  }

  return { api, init, session, execute, status, wait, run };
}

/** A new API client with `scopes`: its id (owner of what it creates) and a bearer token. */
export async function apiClient(t: TestServer, scopes: string[], name = 'rtr test client'): Promise<{ clientId: string; token: string }> {
  const c = await t.server.core.apiClients.create({ name, scopes });
  const res = await t.api('POST', '/oauth2/token', { form: { client_id: c.client_id, client_secret: c.client_secret } });
  if (res.status !== 201) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return { clientId: c.client_id, token: res.body.access_token };
}

/**
 * Response policies default to refusing the high-risk commands (get, put, run, scripts, dumps):
 * tests of the commands themselves turn every toggle of each platform_default policy on.
 */
export async function allowAllCommands(t: TestServer): Promise<void> {
  const policies = t.server.core.responsePolicies;
  const page = await policies.query({ filter: "name:'platform_default'" });
  const common = ['RealTimeFunctionality', 'CustomScripts', 'GetCommand', 'PutCommand', 'ExecCommand'];
  const extra: Record<string, string[]> = { Windows: ['FalconScripts', 'MemDumpCommand', 'XMemDumpCommand', 'PutAndRunCommand'], Mac: ['PutAndRunCommand'], Linux: [] };
  for (const p of await policies.get(page.ids)) {
    const ids = [...common, ...(extra[p.platform_name] ?? [])];
    await policies.update([{ id: p.id, settings: ids.map((id) => ({ id, value: { enabled: true } })) }], { id: 'tests', name: 'tests' });
  }
}

/** A test server with one real agent, every command allowed, an RTR client of every scope and a session open on the agent. */
export async function startRtrOnAgent(): Promise<{ t: TestServer; agent: TestAgent; admin: ReturnType<typeof rtr>; sid: string }> {
  const t = await startTestServer();
  let agent: TestAgent | undefined;
  try {
    agent = await startTestAgent(t);
    await allowAllCommands(t);
    const admin = rtr(t, await t.token());
    return { t, agent, admin, sid: await admin.session(agent.deviceId) };
  } catch (err) {
    agent?.stop();
    await t.close();
    throw err;
  }
}

/** The vendor's JS SDK pointed at the test server (as in falconjs-sdk.test.ts, without importing its tests). */
export function sdkClient(t: TestServer, creds?: { clientId: string; clientSecret: string }): FalconClient {
  return new FalconClient({
    cloud: 'us-1',
    clientId: creds?.clientId ?? t.clientId,
    clientSecret: creds?.clientSecret ?? t.clientSecret,
    fetchApi: (input: any, init?: any) => fetch(String(input).replace('https://api.crowdstrike.com', t.url), init),
  });
}
