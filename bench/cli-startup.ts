// `npm run bench -- cli-startup`: CPU time to start `riposte` commands that run through tsx (the
// local ones: server, agent, users, api-clients, …) against the floor of any such process, the
// tsx loader running one TypeScript file that parses a command line with commander (lib/tsx-floor.ts).
// A command should load only what it runs: its help should cost about the floor, and a database
// command the floor plus core, not the server and the agent. Each child reports its own
// process.cpuUsage() at exit (CPU, not wall time: the machine may be busy). Runs alternate; medians.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/processes.ts';
import { printRatios, type Ratio } from './lib/report.ts';
import { median } from './lib/rpc.ts';

const RUNS = Number(process.env.BENCH_CLI_STARTUP_RUNS ?? 5);
const BIN = path.join(ROOT, 'packages/cli/bin/riposte.js');
/** Loaded before anything else in a child: writes its CPU milliseconds to $BENCH_CPU_FILE at exit. */
const REPORT_CPU =
  "data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeFileSync(process.env.BENCH_CPU_FILE,String((u.user+u.system)/1000))})";

export async function benchCliStartup(): Promise<boolean> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-bench-cli-startup-'));
  const data = path.join(work, 'data');
  const cpuFile = path.join(work, 'cpu');
  const cpuMs = (args: string[]) => {
    const res = spawnSync(process.execPath, ['--import', REPORT_CPU, ...args], { cwd: ROOT, env: { ...process.env, BENCH_CPU_FILE: cpuFile }, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${res.stderr.slice(-2000)}`);
    return Number(fs.readFileSync(cpuFile, 'utf8'));
  };
  const commands: { name: string; args: string[]; atMost: number }[] = [
    { name: 'riposte users --help', args: [BIN, 'users', '--help'], atMost: 1.5 },
    { name: 'riposte server --help', args: [BIN, 'server', '--help'], atMost: 1.5 },
    { name: 'riposte --help (every command declared)', args: [BIN, '--help'], atMost: 3 },
    // Opens (and the first time creates) a SQLite database: the floor, core and its migrations.
    { name: 'riposte api-clients list', args: [BIN, 'api-clients', 'list', '--data', data], atMost: 4.5 },
  ];
  try {
    const floor = path.join(ROOT, 'bench/lib/tsx-floor.ts');
    const runs = commands.map(() => [] as number[]);
    const floorRuns: number[] = [];
    // A first round warms tsx's transform cache and creates the database; it is not counted.
    for (let i = 0; i <= RUNS; i++) {
      const f = cpuMs(['--import', 'tsx', floor]);
      const r = commands.map((c) => cpuMs(c.args));
      if (i === 0) continue;
      floorRuns.push(f);
      r.forEach((ms, n) => runs[n].push(ms));
    }
    const ratios: Ratio[] = commands.map((c, n) => ({
      name: `${c.name}: start-up CPU vs tsx running one file with commander (median of ${RUNS})`,
      value: median(runs[n]),
      baseline: median(floorRuns),
      target: { atMost: c.atMost },
      unit: 'ms CPU',
    }));
    return printRatios(`cli-startup (${((Date.now() - started) / 60_000).toFixed(1)} min)`, ratios);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
