// `npm run bench -- rtr`: Falcon Real Time Response over HTTP against baselines measured in the same run.
//
//   (1) BatchCmd `ls` to a batch of 10,000 connected simulated agents (batch-init-session, then
//       batch-command with timeout=120, every host complete with stdout), total time of the
//       BatchCmd call, vs the agent bench's fan-out baseline: 10,000 bare WebSocket messages sent
//       to and echoed by 10,000 bare ws clients;
//   (2) RTR_ExecuteCommand + RTR_CheckCommandStatus polled until complete (pwd, one real agent),
//       vs the core round trip of the same command to the same agent (core.commands.issue + wait,
//       timed inside the server process). Printed for reference, without a target: the same
//       core round trip plus two bare loopback HTTP requests, the least any HTTP client pays.
//
// The server is bench/lib/agent-bench-server.ts in its own process; the API is called over
// loopback HTTP with keep-alive from this process. Measured runs alternate with baseline runs so
// both see the same noise. BENCH_AGENTS=N scales the batch; BENCH_BATCH_RUNS the measured batch
// commands; BENCH_ROUNDTRIPS the round trips; BENCH_PROFILE=dir writes CPU profiles of the server
// during the measured sections (diagnosis).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BareFanout } from './lib/bare-fanout.ts';
import { riposteArgs } from './lib/processes.ts';
import { printRatios, type Ratio } from './lib/report.ts';
import { childProcesses, mean, median, progressEvery, quantile, type RpcChild } from './lib/rpc.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const SIM_PROCESSES = Math.max(1, Math.min(3, Math.ceil(AGENTS / 1000)));
const BATCH_RUNS = Number(process.env.BENCH_BATCH_RUNS ?? 5);
const ROUNDTRIPS = Number(process.env.BENCH_ROUNDTRIPS ?? 300);
const BLOCKS = 6;
const LIB = path.join(import.meta.dirname, 'lib');
const PROFILE = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;
const SCOPES = ['real-time-response:read', 'real-time-response:write', 'real-time-response-admin:write'];

export async function benchRtr(): Promise<boolean> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-rtr-'));
  const dataDir = path.join(work, 'data');
  const processes = childProcesses();
  const started = Date.now();
  if (PROFILE) fs.mkdirSync(PROFILE, { recursive: true });
  const step = (s: string) => console.log(`[rtr ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const child = processes.start;
  const stop = processes.stop;
  const profiled = async <T>(server: RpcChild, name: string, fn: () => Promise<T>): Promise<T> => {
    if (!PROFILE) return fn();
    await server.call('profileStart');
    const r = await fn();
    step(`  profile: ${await server.call('profileStop', { file: path.join(PROFILE, `${name}.cpuprofile`) })}`);
    return r;
  };
  const ratios: Ratio[] = [];

  try {
    step(`data directory ${dataDir}; batch of ${AGENTS} simulated agents over ${SIM_PROCESSES} simulator processes`);
    const server = await child([path.join(LIB, 'agent-bench-server.ts'), dataDir], /BENCH-SERVER (\S+) (\S+)/);
    const [url, enrollToken] = [server.match[1], server.match[2]];
    const credentials = await server.call<{ client_id: string; client_secret: string }>('apiClient', { name: 'bench rtr', scopes: SCOPES });
    const api = new Api(url);
    await api.authenticate(credentials);

    // ---- (1) BatchCmd ls over AGENTS simulated agents, interleaved with the bare fan-out ----
    let t0 = Date.now();
    const sims = await child(
      riposteArgs('agent', 'simulate', '--server', url, '--enroll-token', enrollToken, '--count', String(AGENTS), '--processes', String(SIM_PROCESSES), '--state', path.join(work, 'sim-state'), '--platform', 'mixed'),
      /^READY (\d+) agents connected/,
      { echo: progressEvery(10_000) },
    );
    await server.call('waitConnections', { count: AGENTS });
    const ids = await server.call<string[]>('connectedIds');
    step(`  ${ids.length} agents enrolled, connected and online after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const bare = await BareFanout.start(AGENTS, SIM_PROCESSES, child);
    step(`  ${AGENTS} bare ws clients connected`);

    t0 = Date.now();
    const init = await api.call('POST', '/real-time-response/combined/batch-init-session/v1?timeout=120', { host_ids: ids, queue_offline: false });
    if (init.status !== 201) throw new Error(`batch-init-session: ${init.status} ${init.text.slice(0, 2000)}`);
    const initBody = JSON.parse(init.text) as { batch_id: string; resources: Record<string, { session_id: string; errors: unknown[] }> };
    const opened = Object.values(initBody.resources).filter((r) => r.session_id && !r.errors?.length).length;
    if (opened !== ids.length) throw new Error(`batch-init-session opened ${opened} of ${ids.length} sessions: ${init.text.slice(0, 2000)}`);
    step(`  batch ${initBody.batch_id}: ${opened} sessions opened in ${init.ms.toFixed(0)} ms`);

    const batchCmd = async () => {
      await server.call('traceStart');
      const res = await api.call('POST', '/real-time-response/combined/batch-command/v1?timeout=120', { batch_id: initBody.batch_id, base_command: 'ls', command_string: 'ls' });
      const trace = await server.call<Record<string, string>>('traceStop');
      checkBatch(res, ids);
      step(`    response ${(res.text.length / 1e6).toFixed(1)} MB; timeline (ms after the request): issued at ${trace.issued}; results in ${trace.arrivals}; ended ${trace.ends}; result writes at+ms(n) ${trace.writes}`);
      return res.ms;
    };
    const warm = await batchCmd();
    const warmBare = await bare.run();
    step(`  warm-up BatchCmd ${warm.toFixed(0)} ms; bare ws ${warmBare.toFixed(0)} ms`);
    const runs: number[] = [];
    const bareRuns: number[] = [];
    for (let i = 0; i < BATCH_RUNS; i++) {
      runs.push(await profiled(server, `batch-${i}`, batchCmd));
      bareRuns.push(await bare.run());
      step(`  BatchCmd ${i + 1}: ${runs[i].toFixed(0)} ms; bare ws ${bareRuns[i].toFixed(0)} ms`);
    }
    await bare.stop(stop);
    await stop(sims);
    ratios.push({ name: `(1) BatchCmd ls to ${AGENTS} simulated agents, all complete (median of ${BATCH_RUNS})`, value: median(runs), baseline: median(bareRuns), target: { atMost: 3 }, unit: 'ms' });

    // ---- (2) RTR_ExecuteCommand + RTR_CheckCommandStatus, one real agent ----
    step('starting a real agent (riposte agent)');
    const agent = await child(riposteArgs('agent', '--server', url, '--enroll-token', enrollToken, '--state', path.join(work, 'agent-state')), /agent ([0-9a-f]{32}) connected/);
    const deviceId = agent.match[1];
    await server.call('waitConnections', { count: 1 });
    const sess = await api.call('POST', '/real-time-response/entities/sessions/v1', { device_id: deviceId });
    if (sess.status !== 201) throw new Error(`RTR_InitSession: ${sess.status} ${sess.text}`);
    const sessionId = (JSON.parse(sess.text) as { resources: { session_id: string }[] }).resources[0].session_id;
    step(`round trip: ${ROUNDTRIPS} sequential pwd through RTR_ExecuteCommand + RTR_CheckCommandStatus (polled), interleaved with core.commands.issue + wait`);

    let polls = 0;
    let executeMs = 0;
    let statusMs = 0;
    const apiRoundTrip = async () => {
      const t = performance.now();
      const ex = await api.call('POST', '/real-time-response/entities/command/v1', { session_id: sessionId, base_command: 'pwd', command_string: 'pwd' });
      executeMs += ex.ms;
      if (ex.status !== 201) throw new Error(`RTR_ExecuteCommand: ${ex.status} ${ex.text}`);
      const id = (JSON.parse(ex.text) as { resources: { cloud_request_id: string }[] }).resources[0].cloud_request_id;
      const statusPath = `/real-time-response/entities/command/v1?cloud_request_id=${encodeURIComponent(id)}&sequence_id=0`;
      for (;;) {
        const st = await api.call('GET', statusPath);
        statusMs += st.ms;
        polls++;
        if (st.status !== 200) throw new Error(`RTR_CheckCommandStatus: ${st.status} ${st.text}`);
        const r = (JSON.parse(st.text) as { resources: { complete: boolean; stdout: string; stderr: string }[] }).resources[0];
        if (r.complete) {
          if (!r.stdout || r.stderr) throw new Error(`pwd answered ${JSON.stringify(r)}`);
          return performance.now() - t;
        }
        if (performance.now() - t > 30_000) throw new Error(`pwd not complete after 30 s: ${st.text}`);
      }
    };
    const coreRoundTrips = async (n: number) => (await server.call<{ totals: number[] }>('roundtrip', { deviceId, n, warmup: 0, cwd: work })).totals;
    // For reference only: what the two HTTP requests of the RTR round trip cost by themselves.
    const bareHttp = await child([path.join(LIB, 'bare-echo-server.ts')], /READY (http:\/\/\S+)/);
    const bareApi = new Api(bareHttp.match[1]);
    const bareHttpPairs = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await bareApi.call('POST', '/', {})).ms + (await bareApi.call('GET', '/')).ms);
      return out;
    };

    for (let i = 0; i < 30; i++) await apiRoundTrip();
    await coreRoundTrips(30);
    polls = 0;
    executeMs = statusMs = 0;
    const apiTotals: number[] = [];
    const coreTotals: number[] = [];
    const httpPairs: number[] = [];
    const per = Math.ceil(ROUNDTRIPS / BLOCKS);
    await profiled(server, 'roundtrip', async () => {
      for (let b = 0; b < BLOCKS; b++) {
        for (let i = 0; i < per; i++) apiTotals.push(await apiRoundTrip());
        coreTotals.push(...(await coreRoundTrips(per)));
        httpPairs.push(...(await bareHttpPairs(per)));
      }
    });
    step(`  API: mean ${mean(apiTotals).toFixed(2)} ms (p50 ${median(apiTotals).toFixed(2)}, p90 ${quantile(apiTotals, 0.9).toFixed(2)}; ${(polls / apiTotals.length).toFixed(2)} status polls per command; execute ${(executeMs / apiTotals.length).toFixed(2)} ms, status ${(statusMs / apiTotals.length).toFixed(2)} ms per command)`);
    step(`  core: mean ${mean(coreTotals).toFixed(2)} ms (p50 ${median(coreTotals).toFixed(2)}, p90 ${quantile(coreTotals, 0.9).toFixed(2)})`);
    const reference = mean(coreTotals) + mean(httpPairs);
    step(
      `  for reference (no target): two bare loopback HTTP requests ${mean(httpPairs).toFixed(2)} ms; core round trip + those = ${reference.toFixed(2)} ms, ` +
        `and the API round trip is ${(mean(apiTotals) / reference).toFixed(2)}x that`,
    );
    bareApi.close();
    await stop(bareHttp);
    ratios.push({ name: '(2) RTR_ExecuteCommand + RTR_CheckCommandStatus round trip (pwd, one real agent), mean', value: mean(apiTotals), baseline: mean(coreTotals), target: { atMost: 1.5 }, unit: 'ms' });

    api.close();
    await stop(agent);
    await stop(server);
  } finally {
    await processes.stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return printRatios(`rtr (${((Date.now() - started) / 60_000).toFixed(1)} min)`, ratios);
}

/** Every host of the batch in combined.resources, complete, with stdout and no errors. */
function checkBatch(res: { status: number; text: string }, ids: string[]): void {
  if (res.status !== 201) throw new Error(`batch-command: ${res.status} ${res.text.slice(0, 2000)}`);
  const body = JSON.parse(res.text) as { combined: { resources: Record<string, { complete: boolean; stdout: string; errors?: unknown[] }> } };
  const resources = body.combined.resources;
  const bad = ids.filter((id) => {
    const r = resources[id];
    return !r || !r.complete || !r.stdout || (r.errors?.length ?? 0) > 0;
  });
  if (Object.keys(resources).length !== ids.length || bad.length) {
    throw new Error(`batch-command: ${Object.keys(resources).length} hosts answered, ${bad.length} of ${ids.length} not complete with stdout, e.g. ${JSON.stringify(resources[bad[0]])}`);
  }
}

/** The Falcon API over one keep-alive connection; a call is timed until its whole body is in. */
/** A keep-alive loopback client of the Falcon API (bench/carbonblack.ts uses it for both dialects). */
export class Api {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private token = '';

  constructor(private readonly base: string) {}

  async authenticate({ client_id, client_secret }: { client_id: string; client_secret: string }): Promise<void> {
    const res = await this.call('POST', '/oauth2/token', new URLSearchParams({ client_id, client_secret }));
    if (res.status !== 201) throw new Error(`token: ${res.status} ${res.text}`);
    this.token = (JSON.parse(res.text) as { access_token: string }).access_token;
  }

  call(method: string, pathAndQuery: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; text: string; ms: number }> {
    const headers: Record<string, string> = { ...extraHeaders };
    let payload: string | undefined;
    if (this.token && !headers['x-auth-token']) headers.authorization = `Bearer ${this.token}`;
    if (body instanceof URLSearchParams) {
      payload = body.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(this.base + pathAndQuery, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
