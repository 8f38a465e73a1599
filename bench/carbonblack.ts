// `npm run bench -- carbonblack`: the Carbon Black dialect against the Falcon dialect, same server, same host.
//
//   (1) A Carbon Black `directory list` round trip — POST .../commands, then GET .../commands/{id}?wait=30
//       (the long poll answers when the command ends) — vs the Falcon `ls` round trip on the same
//       real agent: RTR_ExecuteCommand, then RTR_CheckCommandStatus polled until complete. Target ≤ 1.2×.
//   (2) How soon `?wait=` answers once its command has ended: the client's receipt time minus the
//       command's finish_time (both this machine's clock, millisecond resolution); the distribution
//       is printed and its p90 must be ≤ 50 ms.
//
// The server is bench/lib/agent-bench-server.ts in its own process, the agent a `riposte agent`
// child; the API is called over loopback HTTP with keep-alive. Blocks of the two dialects
// alternate so both see the same noise. BENCH_ROUNDTRIPS sets the round trips per dialect.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { riposteArgs } from './lib/processes.ts';
import { printRatios, type Ratio } from './lib/report.ts';
import { childProcesses, mean, median, quantile } from './lib/rpc.ts';
import { Api } from './rtr.ts';
import { readBootstrapFile } from '../packages/server/src/bootstrap.ts';

const ROUNDTRIPS = Number(process.env.BENCH_ROUNDTRIPS ?? 300);
const BLOCKS = 6;
const LIB = path.join(import.meta.dirname, 'lib');

export async function benchCarbonBlack(): Promise<boolean> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-cb-'));
  const dataDir = path.join(work, 'data');
  const processes = childProcesses();
  const started = Date.now();
  const step = (s: string) => console.log(`[carbonblack ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  try {
    const server = await processes.start([path.join(LIB, 'agent-bench-server.ts'), dataDir], /BENCH-SERVER (\S+) (\S+)/);
    const [url, enrollToken] = [server.match[1], server.match[2]];
    const boot = readBootstrapFile(dataDir)!;
    const agent = await processes.start(riposteArgs('agent', '--server', url, '--enroll-token', enrollToken, '--state', path.join(work, 'agent-state')), /agent ([0-9a-f]{32}) connected/);
    const falconId = agent.match[1];
    await server.call('waitConnections', { count: 1 });
    const listed = path.join(work, 'listed');
    fs.mkdirSync(listed);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(listed, `file-${i}.txt`), 'x'.repeat(i * 100));

    const falcon = new Api(url);
    await falcon.authenticate(boot);
    const sess = await falcon.call('POST', '/real-time-response/entities/sessions/v1', { device_id: falconId });
    if (sess.status !== 201) throw new Error(`RTR_InitSession: ${sess.status} ${sess.text}`);
    const falconSession = (JSON.parse(sess.text) as { resources: { session_id: string }[] }).resources[0].session_id;

    const cb = new Api(url);
    const auth = { 'x-auth-token': `${boot.cb_api_secret}/${boot.cb_api_id}` };
    const lr = `/appservices/v6/orgs/${boot.org_key}/liveresponse`;
    const search = await cb.call('POST', `/appservices/v6/orgs/${boot.org_key}/devices/_search`, { rows: 10 }, auth);
    const cbDevice = (JSON.parse(search.text) as { results: { id: number }[] }).results[0].id;
    const start = await cb.call('POST', `${lr}/sessions`, { device_id: cbDevice }, auth);
    if (start.status !== 201) throw new Error(`start session: ${start.status} ${start.text}`);
    const cbSession = (JSON.parse(start.text) as { id: string }).id;
    for (let i = 0; i < 100; i++) {
      const s = JSON.parse((await cb.call('GET', `${lr}/sessions/${cbSession}`, undefined, auth)).text) as { status: string };
      if (s.status === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const releases: number[] = [];
    const cbRoundTrip = async () => {
      const t = performance.now();
      const issued = await cb.call('POST', `${lr}/sessions/${cbSession}/commands`, { name: 'directory list', path: listed }, auth);
      if (issued.status !== 201) throw new Error(`issue: ${issued.status} ${issued.text}`);
      const id = (JSON.parse(issued.text) as { id: number }).id;
      for (;;) {
        const st = await cb.call('GET', `${lr}/sessions/${cbSession}/commands/${id}?wait=30`, undefined, auth);
        const received = Date.now();
        const r = JSON.parse(st.text) as { status: string; files: unknown[]; finish_time: string };
        if (r.status === 'COMPLETE') {
          if (r.files.length !== 20) throw new Error(`directory list answered ${st.text.slice(0, 300)}`);
          releases.push(received - Date.parse(r.finish_time));
          return performance.now() - t;
        }
        if (r.status !== 'PENDING' && r.status !== 'IN_PROGRESS') throw new Error(`directory list: ${st.text}`);
      }
    };
    const falconRoundTrip = async () => {
      const t = performance.now();
      const ex = await falcon.call('POST', '/real-time-response/entities/command/v1', { session_id: falconSession, base_command: 'ls', command_string: `ls ${listed}` });
      if (ex.status !== 201) throw new Error(`RTR_ExecuteCommand: ${ex.status} ${ex.text}`);
      const id = (JSON.parse(ex.text) as { resources: { cloud_request_id: string }[] }).resources[0].cloud_request_id;
      for (;;) {
        const st = await falcon.call('GET', `/real-time-response/entities/command/v1?cloud_request_id=${encodeURIComponent(id)}&sequence_id=0`);
        const r = (JSON.parse(st.text) as { resources: { complete: boolean; stdout: string }[] }).resources[0];
        if (r.complete) {
          if (!r.stdout.includes('file-19.txt')) throw new Error(`ls answered ${st.text.slice(0, 300)}`);
          return performance.now() - t;
        }
        if (performance.now() - t > 30_000) throw new Error('ls not complete after 30 s');
      }
    };

    step(`warm-up, then ${ROUNDTRIPS} round trips per dialect in ${BLOCKS} alternating blocks`);
    for (let i = 0; i < 30; i++) {
      await cbRoundTrip();
      await falconRoundTrip();
    }
    releases.length = 0;
    const cbTotals: number[] = [];
    const falconTotals: number[] = [];
    const per = Math.ceil(ROUNDTRIPS / BLOCKS);
    for (let b = 0; b < BLOCKS; b++) {
      for (let i = 0; i < per; i++) cbTotals.push(await cbRoundTrip());
      for (let i = 0; i < per; i++) falconTotals.push(await falconRoundTrip());
    }
    const dist = (xs: number[]) => `mean ${mean(xs).toFixed(2)} ms, p50 ${median(xs).toFixed(2)}, p90 ${quantile(xs, 0.9).toFixed(2)}, p99 ${quantile(xs, 0.99).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}`;
    step(`  Carbon Black directory list: ${dist(cbTotals)}`);
    step(`  Falcon ls:                   ${dist(falconTotals)}`);
    step(`  ?wait= release after the command ended: ${dist(releases)} (${releases.length} commands)`);
    const ratios: Ratio[] = [
      { name: 'Carbon Black directory list round trip vs Falcon ls round trip (one real agent), mean', value: mean(cbTotals), baseline: mean(falconTotals), target: { atMost: 1.2 }, unit: 'ms' },
      // Against a fixed 50 ms: the baseline is the bound itself.
      { name: '?wait= answer after the command ended, p90 (vs the 50 ms bound)', value: quantile(releases, 0.9), baseline: 50, target: { atMost: 1 }, unit: 'ms' },
    ];
    falcon.close();
    cb.close();
    await processes.stop(agent);
    await processes.stop(server);
    return printRatios('Carbon Black dialect', ratios);
  } finally {
    await processes.stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
