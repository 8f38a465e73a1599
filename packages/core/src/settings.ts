import type { Kysely } from 'kysely';
import type { Database } from './db/index.ts';
import { newId } from './util/ids.ts';

/** Read a server-wide setting, creating it with `init()` the first time (race-safe). */
export async function getOrCreateSetting(db: Kysely<Database>, key: string, init: () => string): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  if (row) return row.value;
  await db.insertInto('settings').values({ key, value: init() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const again = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return again.value;
}

/** The customer id of this installation (Falcon `cid`): 32 hex, made once. */
export function customerId(db: Kysely<Database>): Promise<string> {
  return getOrCreateSetting(db, 'cid', newId);
}
