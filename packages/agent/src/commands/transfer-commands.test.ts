import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';
import type { FileTransfers } from './types.ts';

/** An in-memory blob store standing in for the server. */
class FakeTransfers implements FileTransfers {
  blobs = new Map<string, Buffer>();
  uploads: { localPath: string; commandId: string }[] = [];
  failNext = false;

  add(content: string): string {
    const sha = createHash('sha256').update(content).digest('hex');
    this.blobs.set(sha, Buffer.from(content));
    return sha;
  }
  async upload(localPath: string, commandId: string) {
    if (this.failNext) throw new Error('connection reset by server');
    const bytes = fs.readFileSync(localPath);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha256, bytes);
    this.uploads.push({ localPath, commandId });
    return { sha256, size: bytes.length };
  }
  async download(sha256: string, destPath: string) {
    const bytes = this.blobs.get(sha256);
    if (!bytes) throw new Error(`blob ${sha256} not found on server`);
    fs.writeFileSync(destPath, bytes);
    return { size: bytes.length };
  }
}

const dir = tempDir();
const transfers = new FakeTransfers();
const r = runner(dir, {}, transfers);

describe('get', () => {
  it('uploads a regular file and reports what the server stored', async () => {
    fs.writeFileSync(path.join(dir, 'loot.txt'), 'evidence');
    const res = await r.run('get', { path: 'loot.txt' });
    expect(res.ok).toBe(true);
    expect(res.ok && res.data).toEqual({
      path: path.join(dir, 'loot.txt'), name: 'loot.txt', size: 8, sha256: createHash('sha256').update('evidence').digest('hex'),
    });
    expect(transfers.uploads.at(-1)?.localPath).toBe(path.join(dir, 'loot.txt'));
    expect(transfers.uploads.at(-1)?.commandId).toMatch(/^test-\d+$/);
  });

  it('refuses directories and missing files, and maps transport failures', async () => {
    await r.fails('get', 'is_a_directory', { path: '.' });
    await r.fails('get', 'not_found', { path: 'missing' });
    await r.fails('get', 'invalid_argument', { path: '/dev/null' });
    transfers.failNext = true;
    expect(await r.fails('get', 'transfer_failed', { path: 'loot.txt' })).toContain('connection reset');
    transfers.failNext = false;
  });
});

describe('put', () => {
  it('downloads into cwd/name, into a directory, or to an explicit path', async () => {
    const sha = transfers.add('payload');
    expect(await r.ok('put', { sha256: sha, name: 'tool.bin', size: 7 })).toEqual({ path: path.join(dir, 'tool.bin'), size: 7, sha256: sha });
    expect(fs.readFileSync(path.join(dir, 'tool.bin'), 'utf8')).toBe('payload');
    fs.mkdirSync(path.join(dir, 'drop'));
    expect((await r.ok('put', { sha256: sha, name: 'tool.bin', size: 7, destination: 'drop' })).path).toBe(path.join(dir, 'drop/tool.bin'));
    expect((await r.ok('put', { sha256: sha.toUpperCase(), name: 'tool.bin', size: 7, destination: 'drop/renamed' })).path).toBe(path.join(dir, 'drop/renamed'));
  });

  it('refuses to overwrite unless asked', async () => {
    const sha = transfers.add('v2');
    expect(await r.fails('put', 'already_exists', { sha256: sha, name: 'tool.bin', size: 2 })).toContain('overwrite');
    expect(fs.readFileSync(path.join(dir, 'tool.bin'), 'utf8')).toBe('payload');
    await r.ok('put', { sha256: sha, name: 'tool.bin', size: 2, overwrite: true });
    expect(fs.readFileSync(path.join(dir, 'tool.bin'), 'utf8')).toBe('v2');
  });

  it('validates names and hashes and maps failures', async () => {
    const sha = transfers.add('x');
    for (const name of ['../evil', 'a/b', 'a\\b', '..', '.', '']) {
      await r.fails('put', 'invalid_argument', { sha256: sha, name, size: 1 });
    }
    await r.fails('put', 'invalid_argument', { sha256: 'abc', name: 'x', size: 1 });
    await r.fails('put', 'invalid_argument', { sha256: sha, name: 'x', size: -1 });
    await r.fails('put', 'not_found', { sha256: sha, name: 'x', size: 1, destination: 'no/such/dir/x' });
    fs.mkdirSync(path.join(dir, 'drop/subdir'));
    await r.fails('put', 'is_a_directory', { sha256: sha, name: 'subdir', size: 1, destination: 'drop' });
    await r.fails('put', 'transfer_failed', { sha256: 'f'.repeat(64), name: 'unknown', size: 1 });
    expect(fs.existsSync(path.join(dir, 'unknown'))).toBe(false);
  });
});
