import { createDecipheriv } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const dir = tempDir();
const r = runner(dir);

describe('filehash', () => {
  it('hashes files with known digests', async () => {
    fs.writeFileSync(path.join(dir, 'abc'), 'abc');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    expect(await r.ok('filehash', { path: 'abc' })).toEqual({
      path: path.join(dir, 'abc'),
      size: 3,
      md5: '900150983cd24fb0d6963f7d28e17f72',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(await r.ok('filehash', { path: 'empty' })).toMatchObject({
      size: 0,
      md5: 'd41d8cd98f00b204e9800998ecf8427e',
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });

  it('streams large files', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'a');
    fs.writeFileSync(path.join(dir, 'big'), big);
    const data = await r.ok('filehash', { path: 'big' });
    expect(data.size).toBe(big.length);
    expect(data.sha256).toBe((await import('node:crypto')).createHash('sha256').update(big).digest('hex'));
  });

  it('fails on missing files and directories', async () => {
    await r.fails('filehash', 'not_found', { path: 'nope' });
    await r.fails('filehash', 'is_a_directory', { path: '.' });
  });
});

describe('encrypt', () => {
  const decrypt = (file: string, keyHex: string) => {
    const bytes = fs.readFileSync(file);
    const d = createDecipheriv('aes-256-cbc', Buffer.from(keyHex, 'hex'), bytes.subarray(0, 16));
    return Buffer.concat([d.update(bytes.subarray(16)), d.final()]);
  };

  it('encrypts with a random key that round-trips', async () => {
    const plain = Buffer.concat([Buffer.from('secret evidence\n'), Buffer.alloc(100_000, 7)]);
    fs.writeFileSync(path.join(dir, 'plain.bin'), plain);
    const data = await r.ok('encrypt', { path: 'plain.bin' });
    expect(data).toMatchObject({ path: path.join(dir, 'plain.bin'), output_path: path.join(dir, 'plain.bin.encrypted'), algorithm: 'aes-256-cbc' });
    expect(data.key).toMatch(/^[0-9a-f]{64}$/);
    expect(data.iv).toMatch(/^[0-9a-f]{32}$/);
    expect(data.size).toBe(fs.statSync(data.output_path).size);
    expect(fs.readFileSync(data.output_path).subarray(0, 16).toString('hex')).toBe(data.iv);
    expect(decrypt(data.output_path, data.key)).toEqual(plain);
    expect(fs.readFileSync(path.join(dir, 'plain.bin'))).toEqual(plain); // original untouched
  });

  it('uses a given hex key as is, and derives one from a passphrase', async () => {
    fs.writeFileSync(path.join(dir, 'k1'), 'one');
    fs.writeFileSync(path.join(dir, 'k2'), 'two');
    const hexKey = 'ab'.repeat(32);
    const a = await r.ok('encrypt', { path: 'k1', key: hexKey });
    expect(a.key).toBe(hexKey);
    expect(decrypt(a.output_path, hexKey).toString()).toBe('one');
    const b = await r.ok('encrypt', { path: 'k2', key: 'correct horse' });
    expect(b.key).toBe((await import('node:crypto')).createHash('sha256').update('correct horse').digest('hex'));
    expect(decrypt(b.output_path, b.key).toString()).toBe('two');
  });

  it('never overwrites, and leaves nothing behind on failure', async () => {
    await r.fails('encrypt', 'already_exists', { path: 'k1' }); // k1.encrypted exists
    await r.fails('encrypt', 'not_found', { path: 'missing' });
    expect(fs.existsSync(path.join(dir, 'missing.encrypted'))).toBe(false);
    fs.mkdirSync(path.join(dir, 'adir'));
    await r.fails('encrypt', 'is_a_directory', { path: 'adir' });
    expect(fs.existsSync(path.join(dir, 'adir.encrypted'))).toBe(false);
  });
});
