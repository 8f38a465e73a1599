import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const root = tempDir();
const r = runner(root);

function write(rel: string, content: string | Buffer = 'x'): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

describe('ls / cd / pwd', () => {
  it('lists a directory sorted by name with lstat details', async () => {
    const dir = path.join(root, 'ls');
    write('ls/b.txt', 'hello');
    write('ls/a.txt');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync('a.txt', path.join(dir, 'link'));
    fs.chmodSync(path.join(dir, 'b.txt'), 0o640);

    const data = await r.ok('ls', { path: 'ls' });
    expect(data.path).toBe(dir);
    expect(data.entries.map((e: any) => e.name)).toEqual(['a.txt', 'b.txt', 'link', 'sub']);
    const byName = Object.fromEntries(data.entries.map((e: any) => [e.name, e]));
    expect(byName['b.txt']).toMatchObject({ path: path.join(dir, 'b.txt'), type: 'file', size: 5, mode: '0640' });
    expect(byName.sub.type).toBe('directory');
    expect(byName.link.type).toBe('symlink');
    expect(new Date(byName['b.txt'].mtime).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('describes at most lsMaxEntries entries, the first by name, and says how many there are', async () => {
    for (const n of ['e', 'a', 'd', 'b', 'c']) write(`many/${n}`);
    const capped = await runner(root, { lsMaxEntries: 3 }).ok('ls', { path: 'many' });
    expect(capped.entries.map((e: any) => e.name)).toEqual(['a', 'b', 'c']);
    expect(capped).toMatchObject({ truncated: true, total_entries: 5 });
    const whole = await r.ok('ls', { path: 'many' });
    expect(whole.entries).toHaveLength(5);
    expect(whole.truncated).toBeUndefined();
  });

  it('lists a single file, defaults to cwd, and reports missing paths', async () => {
    const file = write('ls1/only.txt');
    const one = await r.ok('ls', { path: file });
    expect(one.entries).toHaveLength(1);
    expect(one.entries[0]).toMatchObject({ name: 'only.txt', path: file, type: 'file' });
    const here = await r.ok('ls', {}, { cwd: path.join(root, 'ls1') });
    expect(here.path).toBe(path.join(root, 'ls1'));
    await r.fails('ls', 'not_found', { path: 'nope' });
    fs.symlinkSync('/nonexistent-target', path.join(root, 'ls1/dangling'));
    expect((await r.ok('ls', { path: 'ls1/dangling' })).entries[0]).toMatchObject({ name: 'dangling', type: 'symlink' });
  });

  it('cd changes the cwd, pwd reports it, and ~ is not expanded', async () => {
    fs.mkdirSync(path.join(root, 'cd/inner'), { recursive: true });
    const res = await r.run('cd', { path: 'cd/./inner/../inner' });
    expect(res).toMatchObject({ ok: true, cwd: path.join(root, 'cd/inner'), data: { cwd: path.join(root, 'cd/inner') } });
    expect(await r.ok('pwd', {}, { cwd: path.join(root, 'cd') })).toEqual({ cwd: path.join(root, 'cd') });
    await r.fails('cd', 'not_found', { path: '~' });
    write('cd/file');
    await r.fails('cd', 'not_a_directory', { path: 'cd/file' });
    const failed = await r.run('cd', { path: 'missing' });
    expect(failed.cwd).toBe(root); // a failed cd keeps the session where it was
  });
});

describe('cat', () => {
  it('returns text as utf8', async () => {
    write('cat/t.txt', 'héllo\nworld\n');
    expect(await r.ok('cat', { path: 'cat/t.txt' })).toEqual({
      path: path.join(root, 'cat/t.txt'), size: 13, truncated: false, encoding: 'utf8', content: 'héllo\nworld\n',
    });
  });

  it('returns binary as base64', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x41]);
    write('cat/b.bin', bytes);
    const data = await r.ok('cat', { path: 'cat/b.bin' });
    expect(data.encoding).toBe('base64');
    expect(Buffer.from(data.content, 'base64')).toEqual(bytes);
  });

  it('caps at max_bytes and at catMaxBytes, never splitting a character', async () => {
    write('cat/long.txt', 'é'.repeat(100)); // 200 bytes
    const capped = await r.ok('cat', { path: 'cat/long.txt', max_bytes: 11 });
    expect(capped).toMatchObject({ size: 200, truncated: true, encoding: 'utf8', content: 'é'.repeat(5) });
    const small = runner(root, { catMaxBytes: 20 });
    const limited = await small.ok('cat', { path: 'cat/long.txt', max_bytes: 1000 });
    expect(limited).toMatchObject({ truncated: true, content: 'é'.repeat(10) });
  });

  it('reads files whose size is unknown (procfs)', async () => {
    const data = await r.ok('cat', { path: '/proc/self/status' });
    expect(data.size).toBe(0);
    expect(data.content).toMatch(/^Name:/);
    expect(data.truncated).toBe(false);
  });

  it('fails on directories, missing files and bad arguments', async () => {
    await r.fails('cat', 'is_a_directory', { path: '.' });
    await r.fails('cat', 'not_found', { path: 'cat/none' });
    await r.fails('cat', 'invalid_argument', {});
    await r.fails('cat', 'invalid_argument', { path: 'cat/t.txt', max_bytes: -1 });
  });
});

describe('cp / mv', () => {
  it('copies a file, into a directory, and recursively', async () => {
    write('cp/src/a.txt', 'A');
    write('cp/src/deep/b.txt', 'B');
    fs.mkdirSync(path.join(root, 'cp/into'));
    expect(await r.ok('cp', { source: 'cp/src/a.txt', destination: 'cp/copy.txt' })).toEqual({
      source: path.join(root, 'cp/src/a.txt'), destination: path.join(root, 'cp/copy.txt'),
    });
    expect(fs.readFileSync(path.join(root, 'cp/copy.txt'), 'utf8')).toBe('A');
    const into = await r.ok('cp', { source: 'cp/src/a.txt', destination: 'cp/into' });
    expect(into.destination).toBe(path.join(root, 'cp/into/a.txt'));
    await r.ok('cp', { source: 'cp/src', destination: 'cp/tree' });
    expect(fs.readFileSync(path.join(root, 'cp/tree/deep/b.txt'), 'utf8')).toBe('B');
  });

  it('refuses impossible copies', async () => {
    write('cp2/d/x');
    await r.fails('cp', 'not_found', { source: 'cp2/none', destination: 'cp2/y' });
    await r.fails('cp', 'invalid_argument', { source: 'cp2/d', destination: 'cp2/d/sub' });
    await r.fails('cp', 'invalid_argument', { source: 'cp2/d/x', destination: 'cp2/d' }); // same file
    await r.fails('cp', 'invalid_argument', { source: 'cp2/d/x' });
  });

  it('moves files and directories', async () => {
    write('mv/f.txt', 'F');
    write('mv/dir/g.txt', 'G');
    fs.mkdirSync(path.join(root, 'mv/target'));
    await r.ok('mv', { source: 'mv/f.txt', destination: 'mv/renamed.txt' });
    expect(fs.existsSync(path.join(root, 'mv/f.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(root, 'mv/renamed.txt'), 'utf8')).toBe('F');
    const moved = await r.ok('mv', { source: 'mv/dir', destination: 'mv/target' });
    expect(moved.destination).toBe(path.join(root, 'mv/target/dir'));
    expect(fs.readFileSync(path.join(root, 'mv/target/dir/g.txt'), 'utf8')).toBe('G');
    await r.fails('mv', 'not_found', { source: 'mv/none', destination: 'mv/x' });
    fs.mkdirSync(path.join(root, 'mv/parent/child'), { recursive: true });
    await r.fails('mv', 'invalid_argument', { source: 'mv/parent', destination: 'mv/parent/child' });
  });
});

describe('rm / mkdir', () => {
  it('removes files, empty directories, and trees only when recursive', async () => {
    write('rm/f');
    write('rm/full/a');
    fs.mkdirSync(path.join(root, 'rm/empty'));
    expect(await r.ok('rm', { path: 'rm/f' })).toEqual({ path: path.join(root, 'rm/f') });
    await r.ok('rm', { path: 'rm/empty' });
    expect(await r.fails('rm', 'invalid_argument', { path: 'rm/full' })).toMatch(/not empty/);
    expect(fs.existsSync(path.join(root, 'rm/full/a'))).toBe(true);
    await r.ok('rm', { path: 'rm/full', recursive: true });
    expect(fs.existsSync(path.join(root, 'rm/full'))).toBe(false);
  });

  it('honours force for missing paths and always refuses /', async () => {
    await r.fails('rm', 'not_found', { path: 'rm/none' });
    await r.ok('rm', { path: 'rm/none', force: true });
    expect(await r.fails('rm', 'invalid_argument', { path: '/', recursive: true, force: true })).toMatch(/refusing/);
    await r.fails('rm', 'invalid_argument', { path: '../../../../../../..', recursive: true });
    await r.fails('rm', 'invalid_argument', { path: 'x', recursive: 'yes' });
  });

  it('creates directories, with parents when asked', async () => {
    expect(await r.ok('mkdir', { path: 'mk1' })).toEqual({ path: path.join(root, 'mk1') });
    expect(fs.statSync(path.join(root, 'mk1')).isDirectory()).toBe(true);
    await r.fails('mkdir', 'not_found', { path: 'mk2/a/b' });
    expect(await r.ok('mkdir', { path: 'mk2/a/b', parents: true })).toEqual({ path: path.join(root, 'mk2/a/b') });
    expect(fs.statSync(path.join(root, 'mk2/a/b')).isDirectory()).toBe(true);
    await r.ok('mkdir', { path: 'mk2/a/b', parents: true }); // idempotent with parents
    await r.fails('mkdir', 'already_exists', { path: 'mk2/a/b' });
    write('mk2/file');
    await r.fails('mkdir', 'already_exists', { path: 'mk2/file', parents: true });
  });

  it('maps permission errors', async () => {
    if (process.getuid?.() === 0) {
      // root bypasses permission bits, but sysfs refuses new directories even to root (EPERM)
      await r.fails('mkdir', 'permission_denied', { path: '/sys/riposte-test' });
      return;
    }
    fs.mkdirSync(path.join(root, 'locked'), { mode: 0o500 });
    await r.fails('mkdir', 'permission_denied', { path: 'locked/x' });
  });
});
