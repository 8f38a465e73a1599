// The riposte server for the agent benchmarks, in its own process, with the measurements that
// have to happen inside it (the command engine is driven through core, as a dialect would):
// round trips to one agent, a fan-out to every connected agent, a `get`. Controlled over stdin
// (see rpc.ts). Usage: node --import tsx bench/lib/agent-bench-server.ts DATA_DIR
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '@riposte/server';
import { readBootstrapFile } from '../../packages/server/src/bootstrap.ts';
import { serveRpc } from './rpc.ts';

const dataDir = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) throw new Error('usage: agent-bench-server.ts DATA_DIR');
const server = await startServer({ dataDir, port: 0, logLevel: process.env.BENCH_SERVER_LOG ?? 'silent', rateLimitPerMinute: 1_000_000_000 });
const { core, app } = server;
const gateway = app.gateway!;
const enrollToken = server.bootstrap?.enroll_token ?? readBootstrapFile(dataDir)?.enroll_token;
if (!enrollToken) throw new Error(`no enrollment token: ${dataDir}/bootstrap.json is missing`);

const CWD: Record<string, string> = { Windows: 'C:\\', Linux: '/', Mac: '/' };
let profiler: Session | undefined;
let trace: { t0: number; ends: number[]; arrivals: number[]; issued: number[]; restore: (() => void)[]; writes: string[]; unsubscribe?: () => void } | undefined;
const ms = (t0: number) => performance.now() - t0;
/**
 * Each host's starting directory, by platform, read once: reading 10,000 whole host rows before
 * every fan-out left their garbage to be collected inside the timed section.
 */
const cwds = new Map<string, string>();
async function cwdOf(ids: string[]): Promise<[string, string][]> {
  const unknown = ids.filter((id) => !cwds.has(id));
  for (const h of await core.hosts.getMany(unknown)) cwds.set(h.device_id, CWD[h.platform_name] ?? '/');
  return ids.filter((id) => cwds.has(id)).map((id) => [id, cwds.get(id)!]);
}
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

serveRpc({
  connections: () => gateway.connections.size,

  /** The device ids of the connected agents (bench/rtr.ts opens a batch over them). */
  connectedIds: () => [...gateway.connections.keys()],

  /** An API client, as an administrator would create one (bench/rtr.ts): its id and secret. */
  async apiClient({ name, scopes }: { name: string; scopes: string[] }) {
    const c = await core.apiClients.create({ name, scopes });
    return { client_id: c.client_id, client_secret: c.client_secret };
  },

  async waitConnections({ count, timeoutMs = 600_000 }: { count: number; timeoutMs?: number }) {
    const until = Date.now() + timeoutMs;
    while (gateway.connections.size < count) {
      if (Date.now() > until) throw new Error(`${gateway.connections.size} of ${count} agents connected after ${timeoutMs} ms`);
      await sleep(100);
    }
    // Connected is not yet welcomed: wait until every connected host is online in the database.
    const ids = [...gateway.connections.keys()];
    while ((await core.hosts.onlineState(ids)).some((s) => s.state !== 'online')) {
      if (Date.now() > until) throw new Error('connected agents did not all come online');
      await sleep(200);
    }
    return gateway.connections.size;
  },

  /** `n` sequential small commands (pwd) to one agent, each issued and awaited like an API call would. */
  async roundtrip({ deviceId, n, warmup, cwd = os.tmpdir() }: { deviceId: string; n: number; warmup: number; cwd?: string }) {
    const once = async () => {
      const t0 = performance.now();
      const c = await core.commands.issue({ device_id: deviceId, name: 'pwd', args: {}, cwd, issued_by: 'bench', timeout_ms: 30_000 });
      const issued = ms(t0);
      const done = await core.commands.wait(c.id, 30_000);
      if (done.status !== 'complete') throw new Error(`round trip ended ${done.status}: ${JSON.stringify(done.error)}`);
      return { total: ms(t0), issued };
    };
    for (let i = 0; i < warmup; i++) await once();
    const totals: number[] = [];
    let issued = 0;
    for (let i = 0; i < n; i++) {
      const r = await once();
      totals.push(r.total);
      issued += r.issued;
    }
    return { totals, issueMean: issued / n };
  },

  /** One command to `count` (default all) connected agents; time from issueMany until every result is back. */
  async fanout({ name = 'pwd', batch, count }: { name?: string; batch: string; count?: number }) {
    const ids = [...gateway.connections.keys()].slice(0, count);
    const inputs = (await cwdOf(ids)).map(([device_id, cwd]) => ({ device_id, name, args: {}, cwd, issued_by: 'bench', timeout_ms: 120_000 }));
    const t0 = performance.now();
    const { commands, refused } = await core.commands.issueMany(inputs, batch);
    const issued = ms(t0);
    const done = await core.commands.waitAll(commands.map((c) => c.id), 180_000);
    const total = ms(t0);
    const statuses: Record<string, number> = {};
    for (const c of done) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
    return { ms: total, issuedMs: issued, commands: commands.length, refused: refused.length, statuses };
  },

  /** Response policies disable `get` by default: enable it in every platform_default, as an administrator would. */
  async allowGet() {
    const page = await core.responsePolicies.query({ limit: 500 });
    const defaults = (await core.responsePolicies.get(page.ids)).filter((p) => p.is_default);
    await core.responsePolicies.update(
      defaults.map((p) => ({ id: p.id, settings: [{ id: 'GetCommand', value: { enabled: true } }] })),
      { id: 'bench', name: 'bench' },
    );
    return defaults.length;
  },

  /** Retrieve a file from an agent into the blob store. */
  async get({ deviceId, path, timeoutMs = 600_000 }: { deviceId: string; path: string; timeoutMs?: number }) {
    const t0 = performance.now();
    const c = await core.commands.issue({ device_id: deviceId, name: 'get', args: { path }, cwd: '/', issued_by: 'bench', timeout_ms: timeoutMs });
    const done = await core.commands.wait(c.id, timeoutMs + 30_000);
    return { ms: ms(t0), status: done.status, result: done.result, error: done.error, blobPath: done.result?.sha256 ? core.blobs.path(String(done.result.sha256)) : null };
  },

  /** Start noting when commands end (diagnosis of a fan-out's timeline, with traceStop). */
  traceStart() {
    trace = { t0: performance.now(), ends: [], arrivals: [], issued: [], restore: [], writes: [] };
    const t = trace;
    const commands = core.commands as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const [name, list] of [['complete', t.arrivals], ['issueMany', t.issued]] as const) {
      const original = commands[name];
      commands[name] = function (this: unknown, ...a: unknown[]) {
        if (name === 'complete') list.push(performance.now() - t.t0);
        const r = original.apply(this, a);
        if (name === 'issueMany') void r.then(() => list.push(performance.now() - t.t0));
        return r;
      };
      t.restore.push(() => (commands[name] = original));
    }
    const writeResults = commands.writeResults;
    commands.writeResults = async function (this: unknown, items: unknown) {
      const s0 = performance.now();
      await writeResults.call(this, items);
      t.writes.push(`${Math.round(s0 - t.t0)}+${Math.round(performance.now() - s0)}(${(items as unknown[]).length})`);
    };
    t.restore.push(() => (commands.writeResults = writeResults));
    trace.unsubscribe = core.notifier.subscribe('command_done', ({ ids }) => {
      const at = performance.now() - t.t0;
      for (let i = 0; i < ids.length; i++) t.ends.push(at);
    });
    return true;
  },
  /** When the commands ended since traceStart: milliseconds at which the first, 10%, 50%, 90% and last ended. */
  traceStop() {
    if (!trace) throw new Error('no trace running');
    trace.unsubscribe?.();
    for (const r of trace.restore) r();
    const { ends, arrivals, issued, writes } = trace;
    trace = undefined;
    const at = (xs: number[], q: number) => Math.round(xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? -1);
    const summary = (xs: number[]) => `${xs.length}: first ${at(xs, 0)}, 10% ${at(xs, 0.1)}, 50% ${at(xs, 0.5)}, 90% ${at(xs, 0.9)}, last ${at(xs, 1)}`;
    return { issued: issued.map(Math.round).join(','), arrivals: summary(arrivals), ends: summary(ends), writes: writes.join(' ') };
  },

  hasTransferRoutes: () => app.hasRoute({ method: 'PUT', url: '/agent/v1/transfers/upload' }),

  memory: () => process.memoryUsage(),

  /** CPU profile of whatever happens between start and stop (BENCH_PROFILE=dir in bench/agent.ts). */
  async profileStart() {
    profiler ??= new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  },
  async profileStop({ file }: { file: string }) {
    if (!profiler) throw new Error('no profile running');
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
    return file;
  },

  gc: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  },
});

process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
console.log(`BENCH-SERVER ${server.url} ${enrollToken} ${process.pid}`);
