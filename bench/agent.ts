// `npm run bench -- agent`: the agent side of riposte against baselines measured in the same run.
//
//   (3) server RSS per idle connected simulated agent, 15,000 of them (absolute target; measured
//       first, on a fresh server process, so earlier work does not hide the growth);
//   (2) one command fanned out to 10,000 of those agents until every result is back, vs 10,000
//       bare WebSocket messages sent to and echoed by 10,000 bare ws clients;
//   (1) round trip of a small command (pwd) to one real agent, vs one bare HTTP request plus one
//       bare WebSocket echo;
//   (4) `get` of a 1 GiB file by that real agent, vs a raw loopback HTTP upload of the same file;
//       server RSS growth during the transfer (absolute target).
//
// The server, the agents and every baseline run in child processes; measurements that need the
// command engine run inside the server's process (bench/lib/agent-bench-server.ts), since the
// bench cannot call a child's core directly. Measured runs alternate with their baseline runs so
// both see the same noise. BENCH_AGENTS=N scales the fleets (fan-out N, idle 1.5 N); BENCH_GET_MB
// the retrieved file; BENCH_ROUNDTRIPS the round trips; BENCH_PROFILE=dir writes CPU profiles of
// the server during the measured fan-outs and round trips.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { riposteArgs } from './lib/processes.ts';
import { childProcesses, cpuMsOfTrees, mean, median, progressEvery, quantile, rssOf, startRpcChild, type RpcChild } from './lib/rpc.ts';
import { BareFanout } from './lib/bare-fanout.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const FANOUT_AGENTS = AGENTS;
const IDLE_AGENTS = Math.round(AGENTS * 1.5);
const SIM_PROCESSES = Math.max(1, Math.min(3, Math.ceil(AGENTS / 1000)));
const GET_BYTES = Math.round(Number(process.env.BENCH_GET_MB ?? 1024) * 1024 * 1024);
const ROUNDTRIPS = Number(process.env.BENCH_ROUNDTRIPS ?? 300);
/**
 * Rounds of the get and of its baseline, alternated. The raw upload took 1.5-4.5 s per GiB from
 * one round to the next on the shared machine, and a median of three followed those swings.
 */
const GET_ROUNDS = 5;
const FANOUT_RUNS = 5;
const LIB = path.join(import.meta.dirname, 'lib');
/** A directory for CPU profiles of the server during the measured sections (diagnosis). */
const PROFILE = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;

interface Figure {
  name: string;
  line: string;
  pass?: boolean;
}

export async function benchAgent(): Promise<boolean> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-agent-'));
  const dataDir = path.join(work, 'data');
  const simState = path.join(work, 'sim-state');
  const figures: Figure[] = [];
  const processes = childProcesses();
  const started = Date.now();
  if (PROFILE) fs.mkdirSync(PROFILE, { recursive: true });
  const step = (s: string) => console.log(`[agent ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const child = processes.start;
  const stop = processes.stop;

  try {
    step(`data directory ${dataDir}; idle fleet ${IDLE_AGENTS} agents over ${SIM_PROCESSES} simulator processes, fan-out to ${FANOUT_AGENTS} of them, get ${fmtBytes(GET_BYTES)}`);
    const server = await startServerChild(dataDir);
    processes.adopt(server.child);

    // ---- (3) idle agents: server memory (first, so the server's memory is fresh) ----
    await sleep(3000);
    const rssBefore = await rssOf(server.child.pid);
    const memBefore = await server.child.call<NodeJS.MemoryUsage>('memory');
    step(`idle fleet: starting ${IDLE_AGENTS} simulated agents (riposte agent simulate --processes ${SIM_PROCESSES}); server RSS ${fmtBytes(rssBefore)}`);
    const t0 = Date.now();
    const sims = await startSimulators(server, IDLE_AGENTS, simState, child);
    await server.child.call('waitConnections', { count: IDLE_AGENTS });
    step(`  ${IDLE_AGENTS} agents enrolled and connected after ${((Date.now() - t0) / 1000).toFixed(1)} s; letting the server settle`);
    await sleep(10_000);
    const rssAfter = await rssOf(server.child.pid);
    const memAfter = await server.child.call<NodeJS.MemoryUsage>('memory');
    step(
      `  server RSS ${fmtBytes(rssBefore)} -> ${fmtBytes(rssAfter)}; V8 heap used ${fmtBytes(memBefore.heapUsed)} -> ${fmtBytes(memAfter.heapUsed)}, ` +
        `external+array buffers ${fmtBytes(memBefore.external + memBefore.arrayBuffers)} -> ${fmtBytes(memAfter.external + memAfter.arrayBuffers)}`,
    );
    figures.push(absolute(`(3) server RSS per idle connected agent (${IDLE_AGENTS} agents)`, (rssAfter - rssBefore) / IDLE_AGENTS / 1024, 30, 'KB'));

    // ---- (2) fan-out to FANOUT_AGENTS of them, interleaved with the bare baseline ----
    step(`fan-out: one pwd to ${FANOUT_AGENTS} of the connected simulated agents, vs ${FANOUT_AGENTS} bare ws clients echoing one message`);
    const bare = await BareFanout.start(FANOUT_AGENTS, SIM_PROCESSES, child);
    const warm = await server.child.call<FanoutResult>('fanout', { batch: 'warmup', count: FANOUT_AGENTS });
    checkFanout(warm, FANOUT_AGENTS);
    await bare.run();
    step(`  warm-up fan-out ${warm.ms.toFixed(0)} ms`);
    const runs: number[] = [];
    const bareRuns: number[] = [];
    for (let i = 0; i < FANOUT_RUNS; i++) {
      if (PROFILE) await server.child.call('profileStart');
      await server.child.call('traceStart');
      const cpu = await cpuSplit([server.child.pid], [sims.pid]);
      const r = await server.child.call<FanoutResult>('fanout', { batch: `run-${i}`, count: FANOUT_AGENTS });
      const used = await cpu();
      const trace = await server.child.call<Record<string, string>>('traceStop');
      if (PROFILE) step(`  profile: ${await server.child.call('profileStop', { file: path.join(PROFILE, `fanout-${i}.cpuprofile`) })}`);
      checkFanout(r, FANOUT_AGENTS);
      runs.push(r.ms);
      const bareCpu = await cpuSplit([bare.pids.server], bare.pids.clients);
      bareRuns.push(await bare.run());
      const bareUsed = await bareCpu();
      step(`  fan-out ${i + 1}: ${r.ms.toFixed(0)} ms (issueMany ${r.issuedMs.toFixed(0)} ms); bare ws ${bareRuns[i].toFixed(0)} ms`);
      step(`    CPU ms, server + agents: ${used.join(' + ')}; bare server + clients: ${bareUsed.join(' + ')}`);
      step(`    timeline (ms after traceStart): results in ${trace.arrivals}; ended ${trace.ends}`);
    }
    await bare.stop(stop);
    await stop(sims);
    figures.push(ratio(`(2) one command fanned out to ${FANOUT_AGENTS} simulated agents, all results back (median of ${FANOUT_RUNS})`, median(runs), median(bareRuns), 3, 'ms'));

    // ---- (1) round trip, real agent ----
    step('starting a real agent (riposte agent)');
    const agentState = path.join(work, 'agent-state');
    const agent = await child(riposteArgs('agent', '--server', server.url, '--enroll-token', server.enrollToken, '--state', agentState), /agent ([0-9a-f]{32}) connected/);
    const deviceId = agent.match[1];
    await server.child.call('waitConnections', { count: 1 });
    step(`round trip: ${ROUNDTRIPS} sequential pwd commands through core.commands.issue + wait, interleaved with the baseline`);
    const bareEcho = await child([path.join(LIB, 'bare-echo-server.ts')], /READY (http:\/\/\S+)/);
    const bareClient = await BareRoundTrip.open(bareEcho.match[1]);
    // Blocks of each in turn, so both see the same noise from the rest of the machine.
    await server.child.call('roundtrip', { deviceId, n: 30, warmup: 0, cwd: work });
    await bareClient.run(30);
    const rtTotals: number[] = [];
    const bareTotals: { http: number; ws: number }[] = [];
    let issueMean = 0;
    const blocks = 6;
    if (PROFILE) await server.child.call('profileStart');
    for (let i = 0; i < blocks; i++) {
      const r = await server.child.call<{ totals: number[]; issueMean: number }>('roundtrip', { deviceId, n: Math.ceil(ROUNDTRIPS / blocks), warmup: 0, cwd: work });
      rtTotals.push(...r.totals);
      issueMean += r.issueMean / blocks;
      bareTotals.push(...(await bareClient.run(Math.ceil(ROUNDTRIPS / blocks))));
    }
    if (PROFILE) step(`  profile: ${await server.child.call('profileStop', { file: path.join(PROFILE, 'roundtrip.cpuprofile') })}`);
    bareClient.close();
    await stop(bareEcho);
    const rtMean = mean(rtTotals);
    const bareHttp = mean(bareTotals.map((x) => x.http));
    const bareWs = mean(bareTotals.map((x) => x.ws));
    step(`  mean ${rtMean.toFixed(2)} ms (p50 ${median(rtTotals).toFixed(2)}, p90 ${quantile(rtTotals, 0.9).toFixed(2)}; issue alone ${issueMean.toFixed(2)} ms)`);
    step(`  baseline: HTTP ${bareHttp.toFixed(3)} ms + WebSocket echo ${bareWs.toFixed(3)} ms = ${(bareHttp + bareWs).toFixed(3)} ms (p50 ${median(bareTotals.map((x) => x.http + x.ws)).toFixed(3)})`);
    figures.push(ratio('(1) command round trip (pwd, one real agent), mean', rtMean, bareHttp + bareWs, 4, 'ms'));

    // ---- (4) get of a large file, same real agent ----
    figures.push(...(await benchGet(server, deviceId, work, step, child, stop)));
    await stop(agent);
    await stop(server.child);
  } finally {
    await processes.stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }

  console.log(`\n== agent (${((Date.now() - started) / 60_000).toFixed(1)} min) ==`);
  for (const f of figures) console.log(f.line);
  return figures.every((f) => f.pass !== false);
}

// ---- the pieces ----

interface BenchServer {
  child: RpcChild;
  url: string;
  enrollToken: string;
}

async function startServerChild(dataDir: string): Promise<BenchServer> {
  const child = await startRpcChild([path.join(LIB, 'agent-bench-server.ts'), dataDir], /BENCH-SERVER (\S+) (\S+)/);
  return { child, url: child.match[1], enrollToken: child.match[2] };
}

async function startSimulators(server: BenchServer, count: number, stateDir: string, child: (...a: Parameters<typeof startRpcChild>) => Promise<RpcChild>): Promise<RpcChild> {
  const processes = Math.max(1, Math.min(SIM_PROCESSES, count));
  return child(
    riposteArgs('agent', 'simulate', '--server', server.url, '--enroll-token', server.enrollToken, '--count', String(count), '--processes', String(processes), '--state', stateDir, '--platform', 'mixed'),
    /^READY (\d+) agents connected/,
    { echo: progressEvery(10_000) },
  );
}

/** CPU time two groups of process trees use from now until the returned function is called. */
async function cpuSplit(a: number[], b: number[]): Promise<() => Promise<[number, number]>> {
  const [a0, b0] = [await cpuMsOfTrees(a), await cpuMsOfTrees(b)];
  return async () => [(await cpuMsOfTrees(a)) - a0, (await cpuMsOfTrees(b)) - b0];
}

interface FanoutResult {
  ms: number;
  issuedMs: number;
  commands: number;
  refused: number;
  statuses: Record<string, number>;
}

function checkFanout(r: FanoutResult, expected: number): void {
  if (r.commands !== expected || r.refused !== 0 || r.statuses.complete !== expected) {
    throw new Error(`fan-out incomplete: ${JSON.stringify(r)}`);
  }
}

/** One HTTP GET then one WebSocket echo, sequential, over keep-alive connections. */
class BareRoundTrip {
  private constructor(
    private readonly url: string,
    private readonly agent: http.Agent,
    private readonly ws: WebSocket,
  ) {}

  static async open(url: string): Promise<BareRoundTrip> {
    const ws = new WebSocket(url.replace('http:', 'ws:'), { perMessageDeflate: false });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    return new BareRoundTrip(url, new http.Agent({ keepAlive: true, maxSockets: 1 }), ws);
  }

  // About the size of a result message an agent sends.
  private readonly msg = JSON.stringify({ t: 'result', id: crypto.randomUUID(), result: { ok: true, data: { cwd: '/tmp' }, cwd: '/tmp' } });

  private get(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      http
        .get(this.url, { agent: this.agent }, (res) => {
          res.resume();
          res.once('end', resolve);
        })
        .once('error', reject);
    });
  }

  private echo(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.ws.once('message', () => resolve());
      this.ws.send(this.msg);
    });
  }

  async run(n: number): Promise<{ http: number; ws: number }[]> {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await this.get();
      const t1 = performance.now();
      await this.echo();
      out.push({ http: t1 - t0, ws: performance.now() - t1 });
    }
    return out;
  }

  close(): void {
    this.ws.close();
    this.agent.destroy();
  }
}


/** (4): the agent uploads a large file through `get`; compared with a bare HTTP upload of the same file. */
async function benchGet(
  server: BenchServer,
  deviceId: string,
  work: string,
  step: (s: string) => void,
  child: (...a: Parameters<typeof startRpcChild>) => Promise<RpcChild>,
  stop: (c: RpcChild) => Promise<void>,
): Promise<Figure[]> {
  if (!(await server.child.call<boolean>('hasTransferRoutes'))) {
    return [{ name: '(4) get', line: 'FAIL  (4) get: not measured — the server has no /agent/v1/transfers routes', pass: false }];
  }
  await server.child.call('allowGet');
  const file = path.join(work, 'large-file.bin');
  step(`get: writing a ${fmtBytes(GET_BYTES)} file`);
  const sha256 = await writeLargeFile(file, GET_BYTES);
  try {
    const uploads = path.join(work, 'bare-uploads');
    fs.mkdirSync(uploads);
    const bare = await child([path.join(LIB, 'bare-upload-server.ts'), uploads], /READY (http:\/\/\S+)/);
    // Disk speed on a shared machine varies from second to second: alternate the two, take medians.
    const bareRuns: number[] = [];
    const getRuns: number[] = [];
    let rssGrowth = 0;
    for (let round = 0; round < GET_ROUNDS; round++) {
      const bareMs = await rawUpload(bare.match[1], file, GET_BYTES);
      bareRuns.push(bareMs);
      step(`  baseline raw HTTP upload: ${bareMs.toFixed(0)} ms (${fmtRate(GET_BYTES, bareMs)})`);

      const rssBefore = await rssOf(server.child.pid);
      let rssPeak = rssBefore;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          rssPeak = Math.max(rssPeak, await rssOf(server.child.pid).catch(() => 0));
          await sleep(50);
        }
      })();
      const got = await server.child.call<{ ms: number; status: string; result: { sha256: string; size: number } | null; error: unknown; blobPath: string | null }>('get', {
        deviceId,
        path: file,
      });
      sampling = false;
      await sampler;
      if (got.status !== 'complete' || !got.result) throw new Error(`get ended ${got.status}: ${JSON.stringify(got.error)}`);
      getRuns.push(got.ms);
      rssGrowth = Math.max(rssGrowth, rssPeak - rssBefore);
      step(`  get: ${got.ms.toFixed(0)} ms (${fmtRate(GET_BYTES, got.ms)}); server RSS ${fmtBytes(rssBefore)} -> peak ${fmtBytes(rssPeak)}`);
      if (got.result.sha256 !== sha256 || got.result.size !== GET_BYTES) throw new Error(`get reported ${JSON.stringify(got.result)}, expected sha256 ${sha256} size ${GET_BYTES}`);
      const stored = await hashFile(got.blobPath!);
      if (stored.sha256 !== sha256 || stored.size !== GET_BYTES) throw new Error(`blob ${got.blobPath} holds ${stored.size} bytes hashing to ${stored.sha256}`);
      step(`  blob ${got.blobPath} present; size and sha256 match`);
      fs.rmSync(got.blobPath!, { force: true });
    }
    await stop(bare);
    return [
      atLeast(`(4) get of ${fmtBytes(GET_BYTES)} (throughput, median of ${GET_ROUNDS})`, GET_BYTES / median(getRuns), GET_BYTES / median(bareRuns), 0.6, 'MiB/s', 1000 / 1024 / 1024),
      absolute(`(4) server RSS growth during the get (largest of ${GET_ROUNDS})`, rssGrowth / 1024 / 1024, 64, 'MB'),
    ];
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** 1 MiB random blocks, each stamped with its index so no two are alike; answers the sha256. */
async function writeLargeFile(file: string, size: number): Promise<string> {
  const block = crypto.randomBytes(1 << 20);
  const hash = crypto.createHash('sha256');
  const out = fs.createWriteStream(file);
  for (let off = 0, i = 0; off < size; off += block.length, i++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - off)));
    chunk.writeUInt32BE(i >>> 0, 0);
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  // On disk before anything is measured, so neither side pays for writing the source back.
  const fd = fs.openSync(file, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return hash.digest('hex');
}

function rawUpload(url: string, file: string, size: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url + '/upload', { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.once('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { received: number };
        if (body.received !== size) return reject(new Error(`bare server received ${body.received} of ${size} bytes`));
        resolve(performance.now() - t0);
      });
    });
    req.once('error', reject);
    fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
  });
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

// ---- reporting ----

function ratio(name: string, value: number, baseline: number, atMost: number, unit: string): Figure {
  const r = value / baseline;
  const pass = r <= atMost;
  return { name, pass, line: `${pass ? 'PASS' : 'FAIL'}  ${name}: ${fmt(value)} ${unit} vs baseline ${fmt(baseline)} ${unit} -> ratio ${r.toFixed(2)} (target <= ${atMost})` };
}

function absolute(name: string, value: number, atMost: number, unit: string): Figure {
  const pass = value <= atMost;
  return { name, pass, line: `${pass ? 'PASS' : 'FAIL'}  ${name}: ${fmt(value)} ${unit} (target <= ${atMost} ${unit})` };
}

/** A ratio with no target: reported, not judged. */
/** A figure that must reach at least `min` of its baseline (throughput). */
function atLeast(name: string, value: number, baseline: number, min: number, unit: string, scale = 1): Figure {
  const r = value / baseline;
  const pass = r >= min;
  return { name, pass, line: `${pass ? 'PASS' : 'FAIL'}  ${name}: ${fmt(value * scale)} ${unit} vs baseline ${fmt(baseline * scale)} ${unit} -> ratio ${r.toFixed(2)} (target >= ${min})` };
}


function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function fmtBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

function fmtRate(bytes: number, ms: number): string {
  return `${((bytes / 2 ** 20) / (ms / 1000)).toFixed(0)} MiB/s`;
}
