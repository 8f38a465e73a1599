#!/usr/bin/env node
// Builds the web console (packages/console/dist) when it is missing or older than its sources,
// so `npm start` and `npm test` on a fresh clone serve a console without a separate step.
// `--force` always builds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(path.dirname(path.dirname(new URL(import.meta.url).pathname)), 'packages', 'console');
const built = path.join(dir, 'dist', 'index.html');

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

export function consoleBuildIsCurrent() {
  if (!fs.existsSync(built)) return false;
  const sources = Math.max(newest(path.join(dir, 'src')), newest(path.join(dir, 'index.html')), newest(path.join(dir, 'vite.config.ts')));
  return fs.statSync(built).mtimeMs >= sources;
}

if (process.argv.includes('--force') || !consoleBuildIsCurrent()) {
  process.stderr.write('building the web console (packages/console)…\n');
  const r = spawnSync(process.execPath, [path.join(dir, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('the web console did not build\n');
    process.exit(r.status ?? 1);
  }
}
