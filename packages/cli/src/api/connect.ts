import type { Command } from 'commander';
import { RiposteApiError, RiposteClient, RtrSession, type Tier } from '@riposte/client';
import { resolveProfile } from './profile.ts';

/** The options of every command that talks to a server. */
export function apiOptions(cmd: Command): Command {
  return cmd.option('--profile <name>', 'saved profile to use (default: the last one logged in; or RIPOSTE_PROFILE)');
}

export function clientFor(opts: { profile?: string }): RiposteClient {
  const p = resolveProfile(opts.profile);
  return new RiposteClient({ server: p.server, clientId: p.client_id, clientSecret: p.client_secret });
}

const DEVICE_ID = /^[0-9a-f]{32}$/;

export interface HostRef {
  device_id: string;
  hostname: string;
  platform_name: string;
}

/**
 * A host by device id or hostname. Unknown → an error saying so; several hosts with that name →
 * an error listing them, asking for a device id.
 */
export async function resolveHost(client: RiposteClient, ref: string): Promise<HostRef> {
  const id = ref.toLowerCase();
  if (DEVICE_ID.test(id)) {
    const found = await client.getDeviceDetailsV2({ query: { ids: [id] } }).catch((err: unknown) => {
      if (err instanceof RiposteApiError && err.status === 404) return { resources: [] };
      throw err;
    });
    const h = found.resources[0] as Partial<HostRef> | undefined;
    if (!h) throw new Error(`no host with device id ${id}`);
    return { device_id: id, hostname: String(h.hostname ?? id), platform_name: String(h.platform_name ?? '') };
  }
  const quoted = ref.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  let matches = await hostsWhere(client, `hostname:'${quoted}'`);
  if (matches.length === 0) matches = (await hostsWhere(client, `hostname:*'${quoted}*'`)).filter((h) => h.hostname.toLowerCase().startsWith(ref.toLowerCase()));
  if (matches.length === 0) throw new Error(`no host named "${ref}" (riposte hosts ls lists them)`);
  if (matches.length > 1) {
    const list = matches.slice(0, 20).map((h) => `  ${h.device_id}  ${h.hostname}  ${h.platform_name}`).join('\n');
    throw new Error(`"${ref}" names ${matches.length} hosts; give a device id instead:\n${list}${matches.length > 20 ? '\n  …' : ''}`);
  }
  return matches[0];
}

async function hostsWhere(client: RiposteClient, filter: string): Promise<HostRef[]> {
  const ids = (await client.queryDevicesByFilter({ query: { filter, limit: 100 } })).resources as string[];
  if (!ids.length) return [];
  return ((await client.getDeviceDetailsV2({ query: { ids } })).resources as unknown as HostRef[]).map((h) => ({ device_id: h.device_id, hostname: h.hostname, platform_name: h.platform_name }));
}

/**
 * The highest RTR tier this client's scopes allow, found by asking: the token endpoint does not
 * list scopes, and a call the scope forbids answers 403 before anything else is checked.
 */
export async function detectTier(client: RiposteClient): Promise<Tier> {
  const allowed = async (call: () => Promise<unknown>) =>
    call().then(
      () => true,
      (err: unknown) => !(err instanceof RiposteApiError && err.status === 403),
    );
  if (await allowed(() => client.rtrListPutFiles({ query: { limit: 1 } }))) return 'admin';
  if (await allowed(() => client.rtrListFiles({ query: { session_id: '00000000-0000-0000-0000-000000000000' } }))) return 'active';
  return 'read';
}

export function parseTier(s: string | undefined): Tier | undefined {
  if (s === undefined) return undefined;
  if (s === 'read' || s === 'active' || s === 'admin') return s;
  throw new Error(`--tier must be read, active or admin, not "${s}"`);
}

/** Open a session, with offline hosts named as such. */
export async function openSession(client: RiposteClient, host: HostRef, opts: { tier: Tier; queueOffline?: boolean }): Promise<RtrSession> {
  try {
    return await RtrSession.open(client, host.device_id, opts);
  } catch (err) {
    if (err instanceof RiposteApiError && /offline/i.test(err.message)) {
      throw new Error(`host ${host.hostname} (${host.device_id}) is offline; --queue-offline opens the session anyway and queues commands until it is back`);
    }
    throw err;
  }
}
