import fs from 'node:fs';
import path from 'node:path';
import type { Inventory } from '../commands/types.ts';

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

/** Enroll once with an enrollment token: the server answers with this agent's device id and secret. */
export async function enroll(serverUrl: string, enrollToken: string, inventory: Inventory): Promise<AgentIdentity> {
  const res = await fetch(new URL('/agent/v1/enroll', serverUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enroll_token: enrollToken, inventory }),
  });
  const text = await res.text();
  if (res.status !== 201) {
    let message = text;
    try {
      message = JSON.parse(text).error?.message ?? JSON.parse(text).errors?.[0]?.message ?? text;
    } catch {}
    throw new Error(`enrollment refused (${res.status}): ${message}`);
  }
  const body = JSON.parse(text) as { device_id: string; agent_secret: string };
  return { device_id: body.device_id, agent_secret: body.agent_secret, server_url: serverUrl };
}

/** The identity in `stateDir`, enrolling first when there is none. */
export async function loadOrEnroll(stateDir: string, serverUrl: string, enrollToken: string | undefined, inventory: () => Promise<Inventory>): Promise<AgentIdentity> {
  const existing = loadIdentity(stateDir);
  if (existing) return existing;
  if (!enrollToken) throw new Error(`no identity in ${stateDir} and no enrollment token given`);
  const id = await enroll(serverUrl, enrollToken, await inventory());
  saveIdentity(stateDir, id);
  return id;
}
