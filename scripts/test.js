#!/usr/bin/env node
// The project's test command: type-check, then the whole vitest suite on SQLite and again on a
// throwaway PostgreSQL cluster started here (initdb + pg_ctl as the unprivileged `postgres` user).
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

const extra = process.argv.slice(2);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function findPgBin() {
  const candidates = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) {
      candidates.push(`/usr/lib/postgresql/${v}/bin`);
    }
  } catch {}
  return candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function asPostgresUser(args) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) return execFileSync(args[0], args.slice(1), { stdio: 'pipe' });
  return execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' });
}

async function startPostgres(bin) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
  const port = await freePort();
  asPostgresUser([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  asPostgresUser([
    path.join(bin, 'pg_ctl'), '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try { asPostgresUser([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']); } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The console's browser tests need its build; the CLI tests run the client bundle riposte ships.
for (const script of ['build-console.js', 'build-cli.js']) {
  if (run(process.execPath, [path.join(root, 'scripts', script)]) !== 0) process.exit(1);
}
let status = process.env.RIPOSTE_TEST_SKIP_TYPECHECK === '1' ? 0 : run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) || run('npx', ['tsc', '-p', 'packages/console/tsconfig.json']);
if (status !== 0) {
  console.error('type check failed');
  process.exit(status);
}

// Counts from vitest's JSON report of each half, summed into one closing line.
const totals = { passed: 0, failed: 0, skipped: 0 };
function vitest(label, env) {
  const report = path.join(os.tmpdir(), `riposte-vitest-${process.pid}-${label}.json`);
  // Every temporary directory the tests make (data dirs, blob stores, agent state, work dirs)
  // lands under one directory per half, removed afterwards, so that runs leave nothing behind.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `riposte-test-${label}-`));
  const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], { ...env, TMPDIR: tmp });
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    fs.rmSync(report, { force: true });
  } catch {
    totals.failed += 1; // no report: the run itself broke
  }
  return code;
}

console.log('\n=== tests on SQLite ===');
status = vitest('sqlite', { RIPOSTE_TEST_DB: 'sqlite' });

const bin = findPgBin();
if (!bin) {
  console.log('\n' + '!'.repeat(78));
  console.log('!!! PostgreSQL binaries not found: the PostgreSQL half of the suite was SKIPPED.');
  console.log('!!! Install the Debian `postgresql` package (as .ci/run does) to run it.');
  console.log('!'.repeat(78) + '\n');
} else if (process.env.RIPOSTE_TEST_SKIP_PG === '1') {
  console.log('\n!!! RIPOSTE_TEST_SKIP_PG=1: the PostgreSQL half of the suite was SKIPPED.\n');
} else {
  console.log(`\n=== tests on PostgreSQL (${bin}) ===`);
  const pg = await startPostgres(bin);
  try {
    const pgStatus = vitest('postgres', { RIPOSTE_TEST_DB: 'postgres', RIPOSTE_TEST_PG_URL: pg.url });
    status = status || pgStatus;
  } finally {
    pg.stop();
  }
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status || (totals.failed ? 1 : 0));
