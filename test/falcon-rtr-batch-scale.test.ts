import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { seedHosts } from './support/hosts.ts';
import { rtr } from './support/rtr.ts';

const HOSTS = 10_000;

// The vendor's largest batch: 10,000 hosts, opened, commanded and refreshed in a few seconds.
// The hosts are offline (queued), so what is measured is the server's bulk path, not agents.
describe('Falcon RTR batch at 10,000 hosts', () => {
  let t: TestServer;
  let ids: string[];
  let api: ReturnType<typeof rtr>['api'];

  beforeAll(async () => {
    t = await startTestServer();
    api = rtr(t, await t.token()).api;
    // One registered host as a template, cloned in bulk (registering 10,000 one by one is slow).
    const [template] = await seedHosts(t.server.core, 1, () => ({ platform_name: 'Linux' }));
    const db = t.server.core.store.db;
    const row = await db.selectFrom('hosts').selectAll().where('device_id', '=', template.device_id).executeTakeFirstOrThrow();
    ids = [template.device_id];
    const rows: (typeof row)[] = [];
    for (let i = 1; i < HOSTS; i++) {
      const device_id = crypto.randomBytes(16).toString('hex');
      ids.push(device_id);
      rows.push({ ...row, device_id, cb_device_id: Number(row.cb_device_id) + i, hostname: `scale-${i}` });
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 100) await trx.insertInto('hosts').values(rows.slice(i, i + 100)).execute();
    });
    await t.server.core.responsePolicies.start(); // place the new hosts under their platform's policy
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('opens, commands and refreshes a 10,000-host batch', async () => {
    let started = Date.now();
    const init = await api('POST', '/real-time-response/combined/batch-init-session/v1', { host_ids: ids, queue_offline: true });
    const initMs = Date.now() - started;
    expect(init.status).toBe(201);
    expect(Object.keys(init.body.resources)).toHaveLength(HOSTS);
    expect(Object.values(init.body.resources).every((r: any) => r.offline_queued && r.errors.length === 0)).toBe(true);

    started = Date.now();
    const ls = await api('POST', '/real-time-response/combined/batch-command/v1?timeout=30', { batch_id: init.body.batch_id, base_command: 'ls', command_string: 'ls /var/log', persist_all: true });
    const cmdMs = Date.now() - started;
    expect(ls.status).toBe(201);
    const results = Object.values(ls.body.combined.resources) as any[];
    expect(results).toHaveLength(HOSTS);
    expect(results.every((r) => r.offline_queued && !r.complete && r.task_id)).toBe(true);
    const queued = await t.server.core.store.db.selectFrom('commands').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'queued').executeTakeFirstOrThrow();
    expect(Number(queued.n)).toBe(HOSTS);

    started = Date.now();
    const refresh = await api('POST', '/real-time-response/combined/batch-refresh-session/v1', { batch_id: init.body.batch_id, hosts_to_remove: ids.slice(0, 10) });
    const refreshMs = Date.now() - started;
    expect(refresh.status).toBe(201);
    expect(Object.keys(refresh.body.resources)).toHaveLength(HOSTS - 10);
    console.log(`10,000-host batch: init ${initMs} ms, command ${cmdMs} ms, refresh ${refreshMs} ms`);
    expect(initMs + cmdMs + refreshMs).toBeLessThan(20_000);
  }, 60_000);
});
