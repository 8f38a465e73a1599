import type { LibraryActor } from '@riposte/core';
import type { Call } from '../call.ts';

/** The API client making a library call: owner of what it creates, viewer of what it lists. */
export function actorOf(call: Call): LibraryActor {
  const p = call.principal;
  if (!p) throw new Error('library operations require an authenticated principal');
  return { client_id: p.client_id, name: p.client_name };
}

/** Page metadata for `queries/...` answers. */
export function idPage(page: { ids: string[]; offset: number; limit: number; total: number }) {
  return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
}

/** Ids the service did not touch, as per-id 404 errors; 404 overall when none was. */
export function deleteResult(asked: readonly string[], done: readonly string[], what: string) {
  const missing = [...new Set(asked)].filter((id) => !done.includes(id));
  return {
    writes: { resources_affected: done.length },
    errors: missing.map((id) => ({ code: 404, message: `${what} not found: ${id}`, id })),
    ...(done.length === 0 ? { status: 404 } : {}),
  };
}
