import fs from 'node:fs';
import path from 'node:path';
import { allCbGrants, allScopes } from '@riposte/spec';
import type { Core } from '@riposte/core';

export interface BootstrapInfo {
  base_url: string;
  client_id: string;
  client_secret: string;
  enroll_token: string;
  /** Carbon Black dialect: the org key in its paths, and an API key holding every live response permission. */
  org_key: string;
  cb_api_id: string;
  cb_api_secret: string;
  /** The first console user (role admin) and its generated password, asked to be changed at first sign-in. */
  console_user?: string;
  console_password?: string;
}

export const BOOTSTRAP_FILE = 'bootstrap.json';

/**
 * On the first start against an empty database: an API client holding every scope, an agent
 * enrollment token and a Carbon Black API key with every permission (with the org key), written to DATA/bootstrap.json (0600). Later starts (and other replicas of the
 * same database) find clients already there and create nothing.
 */
export async function bootstrapIfEmpty(core: Core, dataDir: string, baseUrl: string): Promise<BootstrapInfo | undefined> {
  const existing = await core.apiClients.list();
  if (existing.length > 0) return undefined;
  const client = await core.apiClients.create({ name: 'bootstrap', scopes: allScopes(), description: 'created at first start' });
  const enroll = await core.enrollTokens.create('bootstrap');
  const cbKey = await core.carbonblack.apiKeys.create({ name: 'bootstrap', grants: allCbGrants() });
  const info: BootstrapInfo = {
    base_url: baseUrl,
    client_id: client.client_id,
    client_secret: client.client_secret,
    enroll_token: enroll.token,
    org_key: await core.carbonblack.orgKey(),
    cb_api_id: cbKey.id,
    cb_api_secret: cbKey.api_secret,
  };
  const admin = await core.consoleUsers.create({ name: 'admin', role: 'admin', mustChangePassword: true });
  info.console_user = admin.user.name;
  info.console_password = admin.password;
  writeBootstrapFile(dataDir, info);
  return info;
}

export function writeBootstrapFile(dataDir: string, info: BootstrapInfo): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, BOOTSTRAP_FILE);
  fs.writeFileSync(file, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

export function readBootstrapFile(dataDir: string): BootstrapInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, BOOTSTRAP_FILE), 'utf8')) as BootstrapInfo;
  } catch {
    return undefined;
  }
}
