import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applySort, compileFilter, createCore, hostFqlSchema, openStore, type Core } from '@riposte/core';
import { freePort, riposteArgs, startChild } from './lib/processes.ts';
import { requestsPerSecond } from './lib/load.ts';
import { printRatios } from './lib/report.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 100_000);
const FILTER = "platform_name:'Linux'+agent_version:'7.10.7'+last_seen:>'now-8d'";

/**
 * API throughput, as ratios against a bare Fastify route answering the same JSON:
 * (b) authenticated GetDeviceDetailsV2 of 100 ids, (c) QueryDevicesByFilter with a three-clause
 * FQL filter over 100,000 hosts.
 */
export async function benchApi(): Promise<boolean> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-api-'));
  const store = await openStore({ url: path.join(dataDir, 'riposte.db') });
  const core = await createCore(store);
  console.log(`seeding ${HOSTS} hosts…`);
  await seedHosts(core, HOSTS);
  const client = await core.apiClients.create({ name: 'bench', scopes: ['devices:read'] });
  await printPlan(core);
  await core.close();

  const port = await freePort();
  const server = await startChild(
    riposteArgs('server', '--data', dataDir, '--port', String(port), '--log-level', 'silent', '--rate-limit', '1000000000'),
    /listening on (http:\/\/\S+)/,
  );
  const base = server.match[1];
  const bare = { stop: async () => {} } as { stop(): Promise<void> };
  try {
    const tokenRes = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: client.client_id, client_secret: client.client_secret }),
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${access_token}` };
    const ids = ((await (await fetch(`${base}/devices/queries/devices/v1?limit=100`, { headers })).json()) as { resources: string[] }).resources;
    const detailsUrl = `${base}/devices/entities/devices/v2?ids=${ids.join(',')}`;
    const details = await (await fetch(detailsUrl, { headers })).text();
    const queryUrl = `${base}/devices/queries/devices/v1?limit=100&filter=${encodeURIComponent(FILTER)}`;
    const queryBody = (await (await fetch(queryUrl, { headers })).json()) as { meta: { pagination: { total: number } } };
    console.log(`GetDeviceDetailsV2 answer: ${details.length} bytes; the filter matches ${queryBody.meta.pagination.total} hosts`);

    const bodyFile = path.join(dataDir, 'bare.json');
    fs.writeFileSync(bodyFile, details);
    const bareServer = await startChild([path.join(import.meta.dirname, 'lib/bare-http-server.ts'), bodyFile], /READY (http:\/\/\S+)/);
    bare.stop = bareServer.stop;

    const a = await requestsPerSecond(`${bareServer.match[1]}/bare`);
    const b = await requestsPerSecond(detailsUrl, { headers });
    const c = await requestsPerSecond(queryUrl, { headers });
    return printRatios('api (requests per second)', [
      { name: '(b) GetDeviceDetailsV2, 100 ids, authenticated', value: b, baseline: a, target: { atLeast: 0.5 }, unit: 'req/s' },
      { name: `(c) QueryDevicesByFilter over ${HOSTS} hosts`, value: c, baseline: a, target: { atLeast: 0.25 }, unit: 'req/s' },
    ]);
  } finally {
    await bare.stop();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `n` hosts straight into the table, 500 a statement (the console bench uses them too). */
export async function seedHosts(core: Core, n: number): Promise<void> {
  const platforms = ['Windows', 'Linux', 'Mac'];
  const now = Date.now();
  await core.store.db.transaction().execute(async (trx) => {
    for (let start = 0; start < n; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(n, start + 500); i++) {
        const seen = new Date(now - (i % 30) * 86_400_000).toISOString();
        rows.push({
          device_id: i.toString(16).padStart(32, '0'),
          cb_device_id: i + 1,
          hostname: `host-${String(i).padStart(6, '0')}`,
          platform_name: platforms[i % 3],
          os_version: ['Windows 11', 'Debian 12', 'macOS 14'][i % 3],
          agent_version: `7.10.${i % 20}`,
          local_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          mac_address: `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
          first_seen: seen,
          last_seen: seen,
          modified_timestamp: seen,
          status: 'normal',
        });
      }
      await trx.insertInto('hosts').values(rows as any).execute();
    }
  });
}

/** The query plan of the filtered page and its count: the indexes must do the work. */
async function printPlan(core: Core): Promise<void> {
  const where = compileFilter(hostFqlSchema, FILTER)!;
  const base = core.store.db.selectFrom('hosts').where('hosts.hidden', '=', 0).where(where);
  for (const [label, q] of [
    ['count', base.select((eb) => eb.fn.countAll().as('n'))],
    ['page', applySort(base.select('hosts.device_id'), hostFqlSchema, 'device_id.asc').limit(100)],
  ] as const) {
    const c = q.compile();
    const explained = await core.store.db.executeQuery({ ...c, sql: `explain query plan ${c.sql}` } as any);
    console.log(`query plan (${label}): ${(explained.rows as any[]).map((r) => r.detail).join(' | ')}`);
  }
}
