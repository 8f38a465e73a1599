import { createCore, type Core } from '../index.ts';
import { openTestStore } from './db.ts';

/** A core on a fresh test database; its `close()` drops the database too. */
export async function openTestCore(): Promise<Core> {
  return createCore(await openTestStore());
}

/** A test core with one Linux host ('tux') registered and online, for tests that issue commands to it. */
export async function openTestCoreWithHost(): Promise<{ core: Core; host: string }> {
  const core = await openTestCore();
  const host = (await core.hosts.register({ hostname: 'tux', platform_name: 'Linux' })).device_id;
  await core.hosts.setOnline(host, true);
  return { core, host };
}
