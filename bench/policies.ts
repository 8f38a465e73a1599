import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createCore, openStore, RESPONSE_POLICY_SETTINGS, ServiceError, type Core } from '@riposte/core';
import { startChild } from './lib/processes.ts';
import { printRatios } from './lib/report.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 100_000);
const GROUPS = 1000;
const POLICIES = 200;
/** Groups per host and host groups per policy: every group is attached to one policy. */
const GROUPS_PER_HOST = 3;
const GROUPS_PER_POLICY = GROUPS / POLICIES;
const CHECKS = 20_000;
const ROUNDS = 5;
const PLATFORMS = ['Windows', 'Linux', 'Mac'] as const;

/**
 * Response policies at fleet scale (100,000 hosts, 1,000 host groups, 200 policies):
 * (1) what the policy check adds to the command path, against one bare HTTP round trip on
 *     loopback (the cheapest thing any command costs);
 * (2) a precedence change on every platform (so every host's effective policy is recomputed),
 *     against one full scan of the hosts table (count, then every row's device_id and platform).
 * Runs on SQLite unless BENCH_DATABASE_URL names a PostgreSQL database (which it then fills).
 */
export async function benchPolicies(): Promise<boolean> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-policies-'));
  const store = await openStore({ url: process.env.BENCH_DATABASE_URL ?? path.join(dataDir, 'riposte.db') });
  const core = await createCore(store, { blobDir: path.join(dataDir, 'blobs') });
  const bodyFile = path.join(dataDir, 'bare.json');
  fs.writeFileSync(bodyFile, JSON.stringify({ meta: {}, resources: [], errors: [] }));
  const bare = await startChild([path.join(import.meta.dirname, 'lib/bare-http-server.ts'), bodyFile], /READY (http:\/\/\S+)/);
  try {
    console.log(`seeding ${HOSTS} hosts, ${GROUPS} groups (${GROUPS_PER_HOST} per host), ${POLICIES} policies on ${store.dialect}…`);
    let t = performance.now();
    await seed(core);
    console.log(`  seeded in ${ms(performance.now() - t)}`);
    t = performance.now();
    await core.responsePolicies.rebuild();
    const rebuildMs = performance.now() - t;
    const sets = await store.db.selectFrom('response_policy_sets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    console.log(`  every host placed from scratch (rebuild) in ${ms(rebuildMs)}: ${sets.n} distinct candidate sets`);
    if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);

    // (1) The check, against a loopback HTTP round trip and against a plain indexed row read.
    const ids = Array.from({ length: CHECKS }, (_, i) => hexId((i * 7919) % HOSTS));
    const url = `${bare.match[1]}/bare`;
    for (let i = 0; i < 500; i++) await (await fetch(url)).text(); // warm the connection
    const http = await perCall(2000, async () => void (await (await fetch(url)).text()));
    let refused = 0;
    const check = await perCall(CHECKS, async (i) => {
      try {
        await core.guard.check(ids[i], i % 2 ? 'get' : 'command');
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        refused++;
      }
    });
    const row = await perCall(CHECKS, async (i) => {
      await store.db.selectFrom('hosts').select(['device_id', 'platform_name', 'online', 'last_seen']).where('device_id', '=', ids[i]).executeTakeFirst();
    });
    console.log(
      `  check: ${us(check)} per call (${refused} of ${CHECKS} refused); indexed single-row host read: ${us(row)}; bare HTTP round trip: ${us(http)}`,
    );

    // (2) Precedence changes on every platform against a full scan of the hosts table.
    const scans: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const s = performance.now();
      await store.db.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n')).execute();
      const rows = await store.db.selectFrom('hosts').select(['device_id', 'platform_name']).execute();
      if (rows.length !== HOSTS) throw new Error(`scan read ${rows.length} rows`);
      scans.push(performance.now() - s);
    }
    const changes: number[] = [];
    const actor = { id: 'bench', name: 'bench' };
    for (let r = 0; r < ROUNDS; r++) {
      const orders = [];
      for (const p of PLATFORMS) {
        const q = await core.responsePolicies.query({ filter: `platform_name:'${p}'+name:!'platform_default'`, sort: 'precedence.asc', limit: 5000 });
        orders.push({ p, ids: rotate(q.ids, 1 + r) });
      }
      const s = performance.now();
      for (const o of orders) await core.responsePolicies.setPrecedence(o.p, o.ids, actor);
      changes.push(performance.now() - s);
    }
    console.log(`  precedence change on all ${PLATFORMS.length} platforms: ${ms(median(changes))}; full hosts scan: ${ms(median(scans))}`);
    await verify(core);

    return printRatios('response policies', [
      {
        name: '(1) policy check added to a command, vs one bare HTTP round trip on loopback',
        value: check,
        baseline: http,
        target: { atMost: 0.1 },
        unit: 'ms',
      },
      {
        name: `(2) precedence change re-deciding all ${HOSTS} hosts, vs one full scan of the hosts table`,
        value: median(changes),
        baseline: median(scans),
        target: { atMost: 2 },
        unit: 'ms',
      },
    ]);
  } finally {
    await bare.stop();
    await core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const hexId = (i: number, prefix = '') => (prefix + i.toString(16)).padStart(32, '0');
const ms = (x: number) => `${x.toFixed(1)} ms`;
const us = (x: number) => `${(x * 1000).toFixed(1)} µs`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rotate = <T>(xs: T[], n: number) => [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)].reverse();

/** Mean milliseconds per call of `n` sequential calls. */
async function perCall(n: number, f: (i: number) => Promise<void>): Promise<number> {
  const s = performance.now();
  for (let i = 0; i < n; i++) await f(i);
  return (performance.now() - s) / n;
}

/** Bulk rows straight through Kysely, as an import would: then one rebuild places every host. */
async function seed(core: Core): Promise<void> {
  const now = new Date().toISOString();
  const db = core.store.db;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < HOSTS; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(HOSTS, start + 500); i++) {
        rows.push({ device_id: hexId(i), cb_device_id: i + 1, hostname: `host-${i}`, platform_name: PLATFORMS[i % 3], first_seen: now, last_seen: now, modified_timestamp: now });
      }
      await trx.insertInto('hosts').values(rows as any).execute();
    }
    const groups = Array.from({ length: GROUPS }, (_, g) => ({
      id: hexId(g, 'a'),
      name: `group-${g}`,
      name_key: `group-${g}`,
      description: '',
      group_type: 'static',
      assignment_rule: '',
      created_by: 'bench',
      created_timestamp: now,
      modified_by: 'bench',
      modified_timestamp: now,
    }));
    for (let s = 0; s < GROUPS; s += 500) await trx.insertInto('host_groups').values(groups.slice(s, s + 500)).execute();
    const strides = [1, 7, 13, 31, 61];
    for (let start = 0; start < HOSTS; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(HOSTS, start + 500); i++) {
        for (let k = 0; k < GROUPS_PER_HOST; k++) rows.push({ group_id: hexId((i * strides[k] + k * 101) % GROUPS, 'a'), device_id: hexId(i) });
      }
      await trx.insertInto('host_group_members').values(rows).onConflict((oc) => oc.doNothing()).execute();
    }
    const precedence = { Windows: 0, Linux: 0, Mac: 0 };
    const policies = Array.from({ length: POLICIES }, (_, p) => {
      const platform = PLATFORMS[p % 3];
      const settings = Object.fromEntries(RESPONSE_POLICY_SETTINGS.filter((s) => s.platforms.includes(platform)).map((s) => [s.id, false]));
      settings.RealTimeFunctionality = p % 17 !== 0;
      if (settings.RealTimeFunctionality) settings.GetCommand = p % 2 === 0;
      return {
        id: hexId(p, 'b'),
        platform_name: platform,
        name: `policy-${p}`,
        name_key: `policy-${p}`,
        description: '',
        enabled: p % 10 === 9 ? 0 : 1,
        is_default: 0,
        precedence: ++precedence[platform],
        settings: JSON.stringify(settings),
        created_by: 'bench',
        created_timestamp: now,
        modified_by: 'bench',
        modified_timestamp: now,
      };
    });
    await trx.insertInto('response_policies').values(policies).execute();
    const attachments = [];
    for (let p = 0; p < POLICIES; p++) {
      for (let k = 0; k < GROUPS_PER_POLICY; k++) attachments.push({ policy_id: hexId(p, 'b'), group_id: hexId(p * GROUPS_PER_POLICY + k, 'a'), attached_at: now });
    }
    await trx.insertInto('response_policy_groups').values(attachments).execute();
  });
}

/** The stored answers agree with the definition, computed naively for a sample of hosts. */
async function verify(core: Core): Promise<void> {
  const db = core.store.db;
  const policies = await db.selectFrom('response_policies').select(['id', 'platform_name', 'enabled', 'is_default', 'precedence']).execute();
  const byId = new Map(policies.map((p) => [p.id, p]));
  const defaults = new Map(policies.filter((p) => p.is_default).map((p) => [p.platform_name, p.id]));
  const attached = new Map<string, string[]>();
  for (const a of await db.selectFrom('response_policy_groups').select(['group_id', 'policy_id']).execute()) {
    attached.set(a.group_id, [...(attached.get(a.group_id) ?? []), a.policy_id]);
  }
  const sample = Array.from({ length: 2000 }, (_, i) => hexId((i * 48_271) % HOSTS));
  const effective = await core.responsePolicies.effective(sample);
  const members = await db.selectFrom('host_group_members').select(['device_id', 'group_id']).where('device_id', 'in', sample.slice(0, 500)).execute();
  let wrong = 0;
  for (const id of sample.slice(0, 500)) {
    const platform = PLATFORMS[parseInt(id, 16) % 3];
    const candidates = members
      .filter((m) => m.device_id === id)
      .flatMap((m) => attached.get(m.group_id) ?? [])
      .map((pid) => byId.get(pid)!)
      .filter((p) => p.platform_name === platform && p.enabled === 1)
      .sort((a, b) => a.precedence - b.precedence);
    const expected = candidates[0]?.id ?? defaults.get(platform);
    if (effective.get(id)?.policy_id !== expected) wrong++;
  }
  if (wrong) throw new Error(`effective policy wrong for ${wrong} of 500 sampled hosts`);
  console.log('  effective policies verified against a naive computation for 500 sampled hosts');
}
