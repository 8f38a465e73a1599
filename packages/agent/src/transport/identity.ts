import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import type { Inventory } from '../commands/index.ts';
import { tlsRequestOptions, type AgentTls } from './tls.ts';

export interface AgentIdentity {
  device_id: string;
  agent_secret: string;
  server_url: string;
}

const FILE = 'identity.json';

export function loadIdentity(stateDir: string): AgentIdentity | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, FILE), 'utf8')) as AgentIdentity;
  } catch {
    return undefined;
  }
}

export function saveIdentity(stateDir: string, id: AgentIdentity): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(id, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Enroll once with an enrollment token: the server answers with this agent's device id and
 * secret. A 429 (enrollment rate limit) is waited out, as the server's Retry-After asks.
 */
export async function enroll(serverUrl: string, enrollToken: string, inventory: Inventory, tls?: AgentTls): Promise<AgentIdentity> {
  const body = JSON.stringify({ enroll_token: enrollToken, inventory });
  let res: { status: number; headers: http.IncomingHttpHeaders; text: string };
  for (let attempt = 0; ; attempt++) {
    res = await postJson(new URL('/agent/v1/enroll', serverUrl), body, { tls });
    if (res.status !== 429 || attempt >= 10) break;
    const wait = Math.min(120, Number(res.headers['retry-after']) || 2 ** attempt);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
  const text = res.text;
  if (res.status !== 201) {
    let message = text;
    try {
      message = JSON.parse(text).error?.message ?? JSON.parse(text).errors?.[0]?.message ?? text;
    } catch {}
    throw new Error(`enrollment refused (${res.status}): ${message}`);
  }
  const enrolled = JSON.parse(text) as { device_id: string; agent_secret: string };
  return { device_id: enrolled.device_id, agent_secret: enrolled.agent_secret, server_url: serverUrl };
}

export interface JsonPostOptions {
  tls?: AgentTls;
  /** A keep-alive agent shared by many posts (the simulator's enroller). */
  agent?: http.Agent;
  /** Source address (the simulator spreads its hosts over 127.x addresses). */
  localAddress?: string;
  timeoutMs?: number;
}

/** POSTs a JSON body over http(s) (ws/wss URLs are mapped to them) and reads the whole answer. */
export function postJson(url: URL, body: string, opts: JsonPostOptions = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (url.protocol === 'ws:' || url.protocol === 'wss:') url.protocol = secure ? 'https:' : 'http:';
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      ...(opts.agent ? { agent: opts.agent } : {}),
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...(secure && !opts.agent ? tlsRequestOptions(opts.tls) : {}),
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from the server within ${timeoutMs / 1000} s`)));
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end(body);
  });
}

/** The identity in `stateDir`, enrolling first when there is none. */
export async function loadOrEnroll(stateDir: string, serverUrl: string, enrollToken: string | undefined, inventory: () => Promise<Inventory>, tls?: AgentTls): Promise<AgentIdentity> {
  const existing = loadIdentity(stateDir);
  if (existing) return existing;
  if (!enrollToken) throw new Error(`no identity in ${stateDir} and no enrollment token given`);
  const id = await enroll(serverUrl, enrollToken, await inventory(), tls);
  saveIdentity(stateDir, id);
  return id;
}
