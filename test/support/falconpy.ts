import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestServer } from './server.ts';
import { VENDOR_DIR } from './vendor.ts';

const TARBALL = path.join(VENDOR_DIR, 'falconpy-1.6.2-src.tar.gz');

/**
 * FalconPy (the vendor's Python SDK, unpacked from the vendored source tarball), or why it cannot
 * run here: tests skip loudly with that reason.
 */
export function falconPy(): { pythonPath: string } | { missing: string } {
  const tarball = process.env.RIPOSTE_FALCONPY_TARBALL ?? TARBALL;
  if (!fs.existsSync(tarball)) return { missing: `FalconPy source not found at ${tarball}` };
  const probe = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
  if (probe.status !== 0) return { missing: `python3 with the requests module is needed: ${probe.stderr || probe.error?.message}` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'falconpy-'));
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  const root = fs.readdirSync(dir).map((d) => path.join(dir, d)).find((d) => fs.existsSync(path.join(d, 'falconpy'))) ?? dir;
  return { pythonPath: root };
}

/**
 * Runs a Python snippet with `falcon = <Class>(client_id, client_secret, base_url)` and the
 * test's `args` as `args` (JSON); the snippet sets `out`, which comes back parsed. Asynchronous:
 * the server under test runs in this process and must keep answering.
 */
export async function runFalconPy(sdk: { pythonPath: string }, t: TestServer, className: string, code: string, args: unknown = {}): Promise<any> {
  const script = [
    'import json, sys',
    `from falconpy import ${className}`,
    'args = json.loads(sys.argv[1])',
    `falcon = ${className}(client_id=args["_id"], client_secret=args["_secret"], base_url=args["_url"])`,
    'out = None',
    code,
    'print(json.dumps(out, default=str))',
  ].join('\n');
  const { stdout } = await promisify(execFile)('python3', ['-c', script, JSON.stringify({ ...(args as object), _id: t.clientId, _secret: t.clientSecret, _url: t.url })], {
    env: { ...process.env, PYTHONPATH: sdk.pythonPath },
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}
