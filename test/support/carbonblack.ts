import type { TestServer, ApiResponse } from './server.ts';

/** A Carbon Black API client over HTTP: `X-Auth-Token` of an API key, paths under the deployment's org. */
export interface CbClient {
  orgKey: string;
  token: string;
  /** `path` is relative to /appservices/v6/orgs/{org_key}. */
  api(method: string, path: string, init?: { json?: unknown; body?: BodyInit; headers?: Record<string, string> }): Promise<ApiResponse>;
  lr(method: string, path: string, init?: { json?: unknown; body?: BodyInit; headers?: Record<string, string> }): Promise<ApiResponse>;
}

/** A client holding `grants` (every permission when absent; then the bootstrap key is used). */
export async function cbClient(t: TestServer, grants?: string[]): Promise<CbClient> {
  const cb = t.server.core.carbonblack;
  const orgKey = await cb.orgKey();
  let token: string;
  if (grants) {
    const key = await cb.apiKeys.create({ name: `test ${grants.join(',')}`.slice(0, 200), grants });
    token = `${key.api_secret}/${key.id}`;
  } else {
    const boot = t.server.bootstrap!;
    token = `${boot.cb_api_secret}/${boot.cb_api_id}`;
  }
  const api: CbClient['api'] = (method, path, init = {}) => t.api(method, `/appservices/v6/orgs/${orgKey}${path}`, { ...init, headers: { 'x-auth-token': token, ...(init.headers ?? {}) } });
  return { orgKey, token, api, lr: (method, path, init) => api(method, `/liveresponse${path}`, init) };
}

/** Turn response-policy settings on in a platform's default policy, as an administrator would over the Falcon API. */
export async function enableResponseSettings(t: TestServer, platform: 'Windows' | 'Linux' | 'Mac', settings: string[]): Promise<void> {
  const token = await t.token();
  const found = await t.api('GET', `/policy/combined/response/v1?filter=${encodeURIComponent(`name:'platform_default'+platform_name:'${platform}'`)}`, { token });
  if (found.status !== 200 || found.body.resources.length !== 1) throw new Error(`no ${platform} default policy: ${found.status} ${found.text}`);
  const res = await t.api('PATCH', '/policy/entities/response/v1', { token, json: { resources: [{ id: found.body.resources[0].id, settings: settings.map((id) => ({ id, value: { enabled: true } })) }] } });
  if (res.status !== 200) throw new Error(`policy update failed: ${res.status} ${res.text}`);
}

/** GET a command until it has ended, with the server's long poll. */
export async function waitCommand(c: CbClient, sessionId: string, commandId: number): Promise<ApiResponse> {
  for (let i = 0; i < 20; i++) {
    const res = await c.lr('GET', `/sessions/${sessionId}/commands/${commandId}?wait=30`);
    if (res.status !== 200 || !['PENDING', 'IN_PROGRESS'].includes(res.body.status)) return res;
  }
  throw new Error(`command ${commandId} did not end`);
}
