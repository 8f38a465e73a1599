// `npm run bench -- soak`: riposte under a steady load for a long time, with faults.
//
// BENCH_SOAK_AGENTS simulated agents (default 10,000) for BENCH_SOAK_MIN minutes (default 30):
// one command to every host each 10 s (queued for hosts that are offline), 1% of the connected
// agents dropped each minute and brought back 5-30 s later, and the server killed with SIGKILL
// once, half-way, and started again on the same data directory and port. Prints:
//   - server RSS at the start, the middle (just before the kill) and the end (target: end within
//     10% of middle — the restarted server holds about what the first did after as long). The
//     server is restarted once before the soak, after enrolling the fleet, so that both measured
//     processes start the same way: fresh, with the whole fleet reconnecting to them;
//   - commands issued / completed / lost / still waiting / run twice, checked against the simulated
//     agents' own count of executions per command id (targets: 0 lost — never stored, timed out, or
//     "complete" without running; 0 still waiting for their host when the drain ends, which takes
//     at most BENCH_SOAK_DRAIN_MIN minutes, default 15; 0 run twice);
//   - server error-log lines per minute (target: flat — no more per minute in the second half
//     than in the first, give or take two).
// The server and the fleet (in slices) run in child processes (bench/lib/soak-server.ts,
// bench/lib/soak-fleet.ts); the machine is shared, so absolute figures are noisy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { enrollFleet, splitFleet } from '@riposte/agent';
import { freePort } from './lib/processes.ts';
import { childProcesses, median, rssOf, type RpcChild } from './lib/rpc.ts';
import { ErrorLines, type Figure, judge, tallyRuns } from './lib/soak-figures.ts';

const MINUTES = Number(process.env.BENCH_SOAK_MIN ?? 30);
const AGENTS = Number(process.env.BENCH_SOAK_AGENTS ?? 10_000);
const ISSUE_EVERY_MS = 10_000;
const CHURN_PER_MINUTE = 0.01;
const CHURN_DOWN_MS: [number, number] = [5_000, 30_000];
/** A command's time limit once sent: far above a pwd's, so that only a lost one would reach it. */
const COMMAND_TIMEOUT_MS = 600_000;
/**
 * After the last command, how long the fleet has to come back and finish everything: after the
 * SIGKILL 10,000 agents reconnect over minutes, far slower when the machine is busy.
 */
const DRAIN_MS = Number(process.env.BENCH_SOAK_DRAIN_MIN ?? 15) * 60_000;
const FLEET_PROCESSES = Math.max(1, Math.min(3, Math.ceil(AGENTS / 1000)));
const LIB = path.join(import.meta.dirname, 'lib');

export async function benchSoak(): Promise<boolean> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-soak-'));
  const dataDir = path.join(work, 'data');
  const stateDir = path.join(work, 'sim-state');
  const processes = childProcesses();
  const started = Date.now();
  const step = (s: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const errorLines = new ErrorLines();
  const figures: Figure[] = [];
  try {
    const port = await freePort();
    const startServer = async () => {
      const child = await processes.start([path.join(LIB, 'soak-server.ts'), dataDir, String(port)], /SOAK-SERVER (\S+) (\S+)/, { echo: (line) => errorLines.see(line) });
      return { child, url: child.match[1], enrollToken: child.match[2] };
    };
    let server = await startServer();
    step(`server on ${server.url} (pid ${server.child.pid}); enrolling ${AGENTS} simulated agents`);
    let lastProgress = Date.now();
    const identities = await enrollFleet({
      serverUrl: server.url,
      enrollToken: server.enrollToken,
      count: AGENTS,
      platform: 'mixed',
      stateDir,
      onProgress: ({ done, total }) => {
        if (Date.now() - lastProgress < 20_000) return;
        lastProgress = Date.now();
        step(`  enrolled ${done}/${total}`);
      },
    });
    const deviceIds = [...identities.values()].map((i) => i.device_id);
    const fleets: RpcChild[] = [];
    for (const s of splitFleet(AGENTS, FLEET_PROCESSES)) {
      fleets.push(await processes.start([path.join(LIB, 'soak-fleet.ts'), server.url, stateDir, String(s.first), String(s.end)], /SOAK-FLEET/, { echo: true }));
    }
    await Promise.all(fleets.map((f) => f.call('waitConnected')));
    /** Stop the server with `signal`, start it again on the same data and port. */
    const restart = async (signal: NodeJS.Signals) => {
      const exited = new Promise((r) => server.child.proc.once('exit', r));
      server.child.proc.kill(signal);
      await exited;
      server = await startServer();
      await server.child.call('setHosts', { ids: deviceIds });
    };
    // The enrolment's garbage is not the soak's: the first measured server starts fresh, as the
    // one after the SIGKILL will, with the whole fleet coming back to it.
    step(`${AGENTS} agents enrolled and connected over ${FLEET_PROCESSES} processes; restarting the server (SIGTERM) so that it starts the soak fresh`);
    await restart('SIGTERM');
    step(`  fleet back after ${((await fleetBack(() => server.child.call<number>('connections'), AGENTS)) / 1000).toFixed(0)} s`);
    step(`soaking for ${MINUTES} min: a command to every host each ${ISSUE_EVERY_MS / 1000} s`);

    const issued = new Set<string>();
    const issueMs: number[] = [];
    let failedIssues = 0;
    const rss: { minute: number; bytes: number }[] = [];
    const soakStart = Date.now();
    errorLines.startClock(soakStart);
    const end = soakStart + MINUTES * 60_000;
    const killAt = soakStart + (MINUTES * 60_000) / 2;
    let killed = false;
    let rssMiddle = 0;
    let nextIssue = soakStart;
    let nextMinute = soakStart + 60_000;
    let minute = 0;
    let batch = 0;
    const rssStart = await rssOf(server.child.pid);
    while (Date.now() < end) {
      if (Date.now() >= nextIssue) {
        // Slots missed while the server was down are skipped, not made up for in a burst.
        while (nextIssue <= Date.now()) nextIssue += ISSUE_EVERY_MS;
        try {
          const r = await server.child.call<{ ids: string[]; refused: string[]; ms: number }>('issue', { batch: String(batch++), timeoutMs: COMMAND_TIMEOUT_MS });
          for (const id of r.ids) issued.add(id);
          issueMs.push(r.ms);
          if (r.refused.length) step(`  batch ${batch - 1}: ${r.refused.length} refused (${r.refused[0]})`);
        } catch (e) {
          failedIssues++;
          step(`  batch ${batch - 1} not accepted: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      if (!killed && Date.now() >= killAt) {
        // Half a second after a batch went out: results are in flight when the server dies.
        await sleep(500);
        rssMiddle = await rssOf(server.child.pid);
        step(`SIGKILL to the server (pid ${server.child.pid}); RSS ${mib(rssMiddle)}`);
        const killedAt = Date.now();
        errorLines.mark('restart');
        await restart('SIGKILL');
        step(`server restarted (pid ${server.child.pid}) after ${((Date.now() - killedAt) / 1000).toFixed(0)} s`);
        const current = server;
        void fleetBack(() => current.child.call<number>('connections'), Math.round(AGENTS * (1 - 2 * CHURN_PER_MINUTE))).then(
          () => step(`  fleet back (98% connected) ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`),
          () => {},
        );
        killed = true;
      }
      if (Date.now() >= nextMinute) {
        while (nextMinute <= Date.now()) (nextMinute += 60_000), minute++;
        const down = (await Promise.all(fleets.map((f) => f.call<number>('churn', { fraction: CHURN_PER_MINUTE, minMs: CHURN_DOWN_MS[0], maxMs: CHURN_DOWN_MS[1] })))).reduce((a, b) => a + b, 0);
        const bytes = await rssOf(server.child.pid);
        rss.push({ minute, bytes });
        const connections = await server.child.call<number>('connections').catch(() => -1);
        step(`minute ${minute}: ${issued.size} commands issued, server RSS ${mib(bytes)}, ${connections} agents connected, ${down} dropped now; error lines this minute ${errorLines.inMinute(minute - 1)}`);
      }
      await sleep(Math.max(0, Math.min(nextIssue, nextMinute, end) - Date.now()));
    }
    const rssEnd = await rssOf(server.child.pid);
    rss.push({ minute: MINUTES, bytes: rssEnd });
    step(`soak over: ${batch} batches, ${issued.size} commands issued (median issue ${median(issueMs).toFixed(0)} ms); draining (at most ${DRAIN_MS / 1000} s)`);

    // Every command must end: wait until none of the soak's is open any more.
    const drainStart = Date.now();
    let statuses: Record<string, number> = {};
    let lastNote = drainStart;
    for (;;) {
      statuses = await server.child.call<Record<string, number>>('statuses');
      const open = (statuses.queued ?? 0) + (statuses.sent ?? 0) + (statuses.running ?? 0);
      if (open === 0 || Date.now() > drainStart + DRAIN_MS) break;
      if (Date.now() - lastNote > 30_000) {
        lastNote = Date.now();
        step(`  ${open} still open; ${await server.child.call<number>('connections')} agents connected`);
      }
      await sleep(2000);
    }
    step(`drained in ${((Date.now() - drainStart) / 1000).toFixed(0)} s`);
    step(`statuses: ${JSON.stringify(statuses)}`);

    // The server's word and the agents' own count of executions, compared id by id.
    const serverFile = path.join(work, 'server-statuses.txt');
    await server.child.call('dump', { file: serverFile });
    const runFiles: string[] = [];
    let agentErrors = 0;
    for (const [i, f] of fleets.entries()) {
      const file = path.join(work, `executions-${i}.txt`);
      agentErrors += (await f.call<{ agentErrors: number }>('executions', { file })).agentErrors;
      runFiles.push(file);
    }
    const runs = tallyRuns(issued, serverFile, runFiles);

    console.log(`\n== soak (${AGENTS} agents, ${MINUTES} min, server SIGKILLed once; run took ${((Date.now() - started) / 60_000).toFixed(1)} min) ==`);
    console.log('  the machine is shared with other work: absolute figures are noisy, compare within one run');
    console.log(`  server RSS per minute (MiB): ${rss.map((r) => `${r.minute}:${(r.bytes / 2 ** 20).toFixed(0)}`).join(' ')}`);
    figures.push(
      judge(
        `server RSS start ${mib(rssStart)}, middle ${mib(rssMiddle)}, end ${mib(rssEnd)}: end vs middle ${(((rssEnd - rssMiddle) / rssMiddle) * 100).toFixed(1)}%`,
        Math.abs(rssEnd - rssMiddle) <= rssMiddle * 0.1,
        'within 10%',
      ),
    );
    console.log(
      `  commands: ${runs.issued} issued (${failedIssues} batch calls not accepted), ${runs.completed} completed, ${runs.otherEnds} ended otherwise ${JSON.stringify(runs.otherStatuses)}; ` +
        `agents ran ${runs.executedIds} ids ${runs.runs} times (${runs.executedNotIssued} ids run that the bench was not told were issued); agent error lines ${agentErrors}`,
    );
    figures.push(judge(`commands lost: ${runs.lost}${runs.lostExamples.length ? ` (e.g. ${runs.lostExamples.join(', ')})` : ''}`, runs.lost === 0, '0'));
    figures.push(
      judge(
        `commands still waiting for their host when the drain ended (${DRAIN_MS / 60_000} min): ${runs.open} ${JSON.stringify(runs.openStatuses)}`,
        runs.open === 0,
        '0: every command delivered within the drain',
      ),
    );
    figures.push(judge(`commands run twice or more: ${runs.duplicated}${runs.duplicatedExamples.length ? ` (e.g. ${runs.duplicatedExamples.join(', ')})` : ''}`, runs.duplicated === 0, '0'));
    figures.push(errorLines.figure(MINUTES));
    for (const f of figures) console.log(f.line);
  } finally {
    await processes.stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return figures.length > 0 && figures.every((f) => f.pass);
}

/** Milliseconds until `connections()` reaches `count` (polled each second; gives up after 10 minutes). */
async function fleetBack(connections: () => Promise<number>, count: number): Promise<number> {
  const t0 = Date.now();
  while ((await connections()) < count) {
    if (Date.now() - t0 > 600_000) throw new Error(`fewer than ${count} agents connected after 10 minutes`);
    await sleep(1000);
  }
  return Date.now() - t0;
}

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(0)} MiB`;
}
