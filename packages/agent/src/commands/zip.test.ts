import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const dir = tempDir();
const r = runner(dir);

/** What python's zipfile sees: names, sizes, and a CRC check of every member. */
function inspect(zipPath: string): { bad: string | null; members: [string, number, string][] } {
  const script = [
    'import json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'print(json.dumps({"bad": z.testzip(), "members": [[i.filename, i.file_size, oct(i.external_attr >> 16)] for i in z.infolist()]}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, zipPath], { encoding: 'utf8' }));
}

describe('zip', () => {
  it('archives a directory tree that python and unzip can read', async () => {
    const src = path.join(dir, 'evidence');
    fs.mkdirSync(path.join(src, 'sub/empty'), { recursive: true });
    fs.writeFileSync(path.join(src, 'a.txt'), 'alpha\n'.repeat(1000));
    fs.writeFileSync(path.join(src, 'sub/b.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)));
    fs.writeFileSync(path.join(src, 'sub/zero'), '');
    fs.writeFileSync(path.join(src, 'ünïcode.txt'), 'u');
    fs.chmodSync(path.join(src, 'a.txt'), 0o750);
    fs.symlinkSync('a.txt', path.join(src, 'link'));

    const data = await r.ok('zip', { source: 'evidence', destination: 'out.zip' });
    expect(data).toEqual({ source: src, destination: path.join(dir, 'out.zip'), size: fs.statSync(path.join(dir, 'out.zip')).size, files: 4, skipped: 1 });

    const { bad, members } = inspect(path.join(dir, 'out.zip'));
    expect(bad).toBeNull();
    expect(members.map((m) => m[0])).toEqual([
      'evidence/', 'evidence/a.txt', 'evidence/sub/', 'evidence/sub/b.bin', 'evidence/sub/empty/', 'evidence/sub/zero', 'evidence/ünïcode.txt',
    ]);
    expect(members.find((m) => m[0] === 'evidence/a.txt')).toEqual(['evidence/a.txt', 6000, '0o100750']);
    expect(members.find((m) => m[0] === 'evidence/sub/b.bin')?.[1]).toBe(70_000);

    const listing = execFileSync('unzip', ['-l', path.join(dir, 'out.zip')], { encoding: 'utf8' });
    expect(listing).toContain('evidence/sub/b.bin');
    const extracted = path.join(dir, 'extracted');
    execFileSync('unzip', ['-q', path.join(dir, 'out.zip'), '-d', extracted]);
    expect(fs.readFileSync(path.join(extracted, 'evidence/sub/b.bin'))).toEqual(fs.readFileSync(path.join(src, 'sub/b.bin')));
  });

  it('archives a single file', async () => {
    fs.writeFileSync(path.join(dir, 'single.log'), 'line\n');
    const data = await r.ok('zip', { source: 'single.log', destination: 'single.zip' });
    expect(data.files).toBe(1);
    expect(inspect(path.join(dir, 'single.zip')).members).toEqual([['single.log', 5, expect.any(String)]]);
  });

  it('skips the archive itself when writing into the source directory', async () => {
    fs.mkdirSync(path.join(dir, 'self'));
    fs.writeFileSync(path.join(dir, 'self/x'), 'x');
    const data = await r.ok('zip', { source: 'self', destination: 'self/self.zip' });
    expect(data.files).toBe(1);
    expect(inspect(path.join(dir, 'self/self.zip')).members.map((m) => m[0])).toEqual(['self/', 'self/x']);
  });

  it('refuses to overwrite and reports a missing source without leaving a file', async () => {
    await r.fails('zip', 'already_exists', { source: 'single.log', destination: 'single.zip' });
    await r.fails('zip', 'not_found', { source: 'nope', destination: 'nope.zip' });
    expect(fs.existsSync(path.join(dir, 'nope.zip'))).toBe(false);
    await r.fails('zip', 'invalid_argument', { source: 'single.log' });
  });
});
