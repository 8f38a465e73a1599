// `npm run bench -- cli`: `riposte batch` over 10,000 simulated hosts against the same
// BatchInitSessions + BatchCmd made directly with fetch and JSON.parse, in the same run.
//
//   measured: `riposte batch --filter … --output csv --progress -- ls` as a child process (start-up,
//             host query, sessions, the command in chunks, the progress bar, CSV of every host);
//   baseline: in this process, fetch BatchInitSessions over the same ids, then one BatchCmd `ls`,
//             each answer read with JSON.parse.
// Runs alternate, measured then baseline, so both see the same noise; medians compared. For
// comparison only, the vendor JS SDK (crowdstrike-falcon) turning one BatchCmd answer into its
// model objects (DomainMultiCommandExecuteResponseWrapperFromJSON, what its batchCmd call does);
// BENCH_SDK=0 skips it. BENCH_AGENTS=N scales the fleet, BENCH_CLI_RUNS the runs.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainMultiCommandExecuteResponseWrapperFromJSON } from 'crowdstrike-falcon';
import { RiposteClient, runBatch } from '@riposte/client';
import { riposteArgs, ROOT } from './lib/processes.ts';
import { printRatios, type Ratio } from './lib/report.ts';
import { childProcesses, median, progressEvery } from './lib/rpc.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const SIM_PROCESSES = Math.max(1, Math.min(3, Math.ceil(AGENTS / 1000)));
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 3);
const LIB = path.join(import.meta.dirname, 'lib');
const SCOPES = ['devices:read', 'real-time-response:read', 'real-time-response:write', 'real-time-response-admin:write'];
const FILTER = "last_seen:>'now-1d'";

export async function benchCli(): Promise<boolean> {
  // riposte batch as users run it: from the client bundle, rebuilt here if a source changed since.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.js')], { stdio: 'inherit' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-cli-'));
  const processes = childProcesses();
  const started = Date.now();
  const step = (s: string) => console.log(`[cli ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const ratios: Ratio[] = [];
  try {
    const server = await processes.start([path.join(LIB, 'agent-bench-server.ts'), path.join(work, 'data')], /BENCH-SERVER (\S+) (\S+)/);
    const [url, enrollToken] = [server.match[1], server.match[2]];
    const creds = await server.call<{ client_id: string; client_secret: string }>('apiClient', { name: 'bench cli', scopes: SCOPES });
    const sims = await processes.start(
      riposteArgs('agent', 'simulate', '--server', url, '--enroll-token', enrollToken, '--count', String(AGENTS), '--processes', String(SIM_PROCESSES), '--state', path.join(work, 'sim-state'), '--platform', 'mixed'),
      /^READY (\d+) agents connected/,
      { echo: progressEvery(10_000) },
    );
    await server.call('waitConnections', { count: AGENTS });
    const ids = await server.call<string[]>('connectedIds');
    step(`${ids.length} simulated agents connected`);

    const token = await fetchToken(url, creds);
    let lastAnswer = '';
    const direct = async () => {
      const t0 = performance.now();
      const init = JSON.parse(await post(url, token, '/real-time-response/combined/batch-init-session/v1?timeout=120', { host_ids: ids })) as { batch_id: string };
      lastAnswer = await post(url, token, '/real-time-response/combined/batch-command/v1?timeout=120', { batch_id: init.batch_id, base_command: 'ls', command_string: 'ls' });
      const answer = JSON.parse(lastAnswer) as { combined: { resources: Record<string, { complete: boolean }> } };
      const complete = Object.values(answer.combined.resources).filter((r) => r.complete).length;
      if (complete !== ids.length) throw new Error(`direct BatchCmd: ${complete} of ${ids.length} complete`);
      return performance.now() - t0;
    };
    const env = { ...process.env, RIPOSTE_SERVER: url, RIPOSTE_CLIENT_ID: creds.client_id, RIPOSTE_CLIENT_SECRET: creds.client_secret, XDG_CONFIG_HOME: work };
    const cli = async () => {
      const csv = path.join(work, 'batch.csv');
      const t0 = performance.now();
      const { code, stderr } = await runCli(['batch', '--filter', FILTER, '--timeout', '120', '--output', 'csv', '--progress', '--', 'ls'], env, csv);
      const ms = performance.now() - t0;
      if (code !== 0 || !stderr.includes(`${ids.length} hosts: ${ids.length} done`)) throw new Error(`riposte batch exited ${code}: ${stderr.slice(-2000)}`);
      return ms;
    };

    // For reference: the client's runBatch in this process (no process start-up, no host query, no output).
    const client = new RiposteClient({ server: url, clientId: creds.client_id, clientSecret: creds.client_secret });
    const inProcess = async () => {
      const t0 = performance.now();
      let done = 0;
      for await (const chunk of runBatch(client, { hostIds: ids, commandLine: 'ls', tier: 'read', timeoutS: 120 })) done += chunk.filter((r) => r.status === 'done').length;
      if (done !== ids.length) throw new Error(`runBatch: ${done} of ${ids.length} done`);
      return performance.now() - t0;
    };
    step(`warm-up: riposte batch ${(await cli()).toFixed(0)} ms, direct ${(await direct()).toFixed(0)} ms`);
    const cliRuns: number[] = [];
    const directRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cliRuns.push(await cli());
      directRuns.push(await direct());
      const client = await inProcess();
      step(`run ${i + 1}: riposte batch ${cliRuns[i].toFixed(0)} ms; fetch + JSON.parse ${directRuns[i].toFixed(0)} ms (answer ${(lastAnswer.length / 1e6).toFixed(1)} MB); runBatch in this process ${client.toFixed(0)} ms`);
    }
    ratios.push({ name: `riposte batch (process, progress bar, CSV) over ${AGENTS} simulated hosts vs BatchInitSessions + BatchCmd with fetch + JSON.parse (median of ${RUNS})`, value: median(cliRuns), baseline: median(directRuns), target: { atMost: 1.3 }, unit: 'ms' });

    if (process.env.BENCH_SDK !== '0') {
      const t0 = performance.now();
      JSON.parse(lastAnswer);
      const parseMs = performance.now() - t0;
      step(`vendor SDK: turning one ${(lastAnswer.length / 1e6).toFixed(1)} MB BatchCmd answer into its models (this takes a while)…`);
      const t1 = performance.now();
      DomainMultiCommandExecuteResponseWrapperFromJSON(JSON.parse(lastAnswer));
      const sdkMs = performance.now() - t1;
      step(`  crowdstrike-falcon FromJSON ${sdkMs.toFixed(0)} ms vs JSON.parse ${parseMs.toFixed(0)} ms; riposte batch end to end ${median(cliRuns).toFixed(0)} ms (for comparison, no target)`);
    }
    await processes.stop(sims);
    await processes.stop(server);
  } finally {
    await processes.stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return printRatios(`cli (${((Date.now() - started) / 60_000).toFixed(1)} min)`, ratios);
}

async function fetchToken(url: string, c: { client_id: string; client_secret: string }): Promise<string> {
  const res = await fetch(`${url}/oauth2/token`, { method: 'POST', body: new URLSearchParams(c) });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function post(url: string, token: string, pathAndQuery: string, body: unknown): Promise<string> {
  const res = await fetch(url + pathAndQuery, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${pathAndQuery}: ${res.status} ${text.slice(0, 2000)}`);
  return text;
}

/** The CLI as a user runs it (bin/riposte.js), stdout to a file. */
function runCli(args: string[], env: NodeJS.ProcessEnv, stdoutFile: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(stdoutFile, 'w');
    const child = spawn(process.execPath, [path.join(ROOT, 'packages/cli/bin/riposte.js'), ...args], { env, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      fs.closeSync(out);
      resolve({ code, stderr });
    });
  });
}
