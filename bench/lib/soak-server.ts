// The riposte server of the soak bench (bench/soak.ts), in its own process so that the bench can
// kill it with SIGKILL and start it again on the same data directory and port. Commands are
// issued through core, as a dialect would; its log (level warn and above) goes to stdout, where
// the bench counts the error lines. Usage: node --import tsx bench/lib/soak-server.ts DATA_DIR PORT
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { startServer } from '@riposte/server';
import { readBootstrapFile } from '../../packages/server/src/bootstrap.ts';
import { serveRpc } from './rpc.ts';

const [dataArg, portArg] = process.argv.slice(2);
if (!portArg) throw new Error('usage: soak-server.ts DATA_DIR PORT');
const dataDir = path.resolve(dataArg);
const server = await startServer({ dataDir, port: Number(portArg), logLevel: 'warn', rateLimitPerMinute: 1_000_000_000 });
const { core } = server;
const enrollToken = server.bootstrap?.enroll_token ?? readBootstrapFile(dataDir)?.enroll_token;
if (!enrollToken) throw new Error(`no enrollment token: ${dataDir}/bootstrap.json is missing`);

const CWD: Record<string, string> = { Windows: 'C:\\', Linux: '/', Mac: '/' };
/** Every host of the fleet with its starting directory, read once per server start. */
let hosts: { device_id: string; cwd: string }[] = [];
const BATCH_PREFIX = 'soak-';

serveRpc({
  async setHosts({ ids }: { ids: string[] }) {
    hosts = (await core.hosts.getMany(ids)).map((h) => ({ device_id: h.device_id, cwd: CWD[h.platform_name] ?? '/' }));
    return hosts.length;
  },

  connections: () => server.app.gateway!.connections.size,

  /**
   * One command to every host of the fleet, online or not (queued for those that are not): the
   * ids answered are stored, so the bench counts them as issued.
   */
  async issue({ batch, timeoutMs }: { batch: string; timeoutMs: number }) {
    const t0 = performance.now();
    const inputs = hosts.map((h) => ({ ...h, name: 'pwd', args: {}, issued_by: 'soak', timeout_ms: timeoutMs, queue_offline: true }));
    const { commands, refused } = await core.commands.issueMany(inputs, BATCH_PREFIX + batch);
    return { ids: commands.map((c) => c.id), refused: refused.map((r) => r.error.message), ms: performance.now() - t0 };
  },

  /** Commands of the soak's batches by status. */
  async statuses() {
    const rows = await core.store.db
      .selectFrom('commands')
      .select(['status', sql<number>`count(*)`.as('n')])
      .where('batch_id', 'like', `${BATCH_PREFIX}%`)
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  },

  /** Write "id status" lines of every command of the soak's batches to `file`. */
  async dump({ file }: { file: string }) {
    const out = fs.createWriteStream(file);
    let n = 0;
    for (let after = ''; ; ) {
      const page = await core.store.db
        .selectFrom('commands')
        .select(['id', 'status'])
        .where('batch_id', 'like', `${BATCH_PREFIX}%`)
        .where('id', '>', after)
        .orderBy('id')
        .limit(10_000)
        .execute();
      if (!page.length) break;
      out.write(page.map((r) => `${r.id} ${r.status}\n`).join(''));
      n += page.length;
      after = page[page.length - 1].id;
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return n;
  },

  memory: () => process.memoryUsage(),
});

process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
console.log(`SOAK-SERVER ${server.url} ${enrollToken} ${process.pid}`);
