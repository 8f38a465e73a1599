import type { RiposteClient } from '@riposte/client';

const SCROLL_PAGE = 10_000;
const PAGE = 5000;

/** Device ids matching an FQL filter, every page of them. */
export async function hostIdsByFilter(client: RiposteClient, filter: string): Promise<string[]> {
  const ids: string[] = [];
  let offset: string | undefined;
  for (;;) {
    const page = await client.queryDevicesByFilterScroll({ query: { filter, limit: SCROLL_PAGE, offset } });
    ids.push(...(page.resources as string[]));
    const next = page.meta.pagination?.offset;
    if (page.resources.length < SCROLL_PAGE || !next || typeof next !== 'string') return ids;
    offset = next;
  }
}

/** A host group's id by name (or the id itself). */
export async function groupIdByName(client: RiposteClient, name: string): Promise<string> {
  if (/^[0-9a-f]{32}$/.test(name)) return name;
  const found = (await client.queryHostGroups({ query: { filter: `name:'${name.replace(/'/g, "\\'")}'` } })).resources as string[];
  if (found.length === 0) throw new Error(`no host group named "${name}" (riposte groups ls lists them)`);
  return found[0];
}

/** Every member of a host group. */
export async function groupMemberIds(client: RiposteClient, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = (await client.queryGroupMembers({ query: { id: groupId, limit: PAGE, offset } })).resources as string[];
    ids.push(...page);
    if (page.length < PAGE) return ids;
  }
}
