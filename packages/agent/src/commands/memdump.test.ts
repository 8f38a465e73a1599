import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const dir = tempDir();
const r = runner(dir);
let child: ChildProcess;
beforeAll(async () => {
  child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await once(child, 'spawn');
});
afterAll(() => {
  child.kill('SIGKILL');
});

/** Reads the dump format documented in memdump.ts. */
function readDump(file: string) {
  const bytes = fs.readFileSync(file);
  const nl = bytes.indexOf(0x0a);
  return { header: JSON.parse(bytes.subarray(0, nl).toString('utf8')), headerEnd: nl + 1, bytes };
}

describe('memdump', () => {
  it('dumps the readable memory of a child process', async () => {
    const data = await r.ok('memdump', { pid: child.pid, destination: 'sleep.dmp' });
    const file = path.join(dir, 'sleep.dmp');
    expect(data).toEqual({ pid: child.pid, path: file, size: fs.statSync(file).size, regions: expect.any(Number), sha256: expect.any(String) });
    expect(data.regions).toBeGreaterThan(0);
    expect(data.size).toBeGreaterThan(0);

    const { header, headerEnd, bytes } = readDump(file);
    expect(header).toMatchObject({ format: 'riposte-memdump/1', pid: child.pid });
    expect(header.regions).toHaveLength(data.regions);
    expect(data.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // regions are laid out back to back right after the header line
    let expected = headerEnd;
    for (const reg of header.regions) {
      expect(reg.file_offset).toBe(expected);
      expect(reg.perms.startsWith('r')).toBe(true);
      expect(reg.size).toBeLessThanOrEqual(Number(BigInt(reg.end) - BigInt(reg.start)));
      expected += reg.size;
    }
    expect(expected).toBe(data.size);
    expect(header.regions.some((reg: any) => reg.mapping.startsWith('[vvar'))).toBe(false);

    // the executable's first mapped page is its ELF header
    const elf = header.regions.find((reg: any) => reg.mapping === fs.realpathSync('/bin/sleep'));
    expect(bytes.subarray(elf.file_offset, elf.file_offset + 4).toString('latin1')).toBe('\x7fELF');
  });

  it('defaults to a file in the state directory', async () => {
    const data = await r.ok('memdump', { pid: child.pid });
    expect(path.dirname(data.path)).toBe(path.join(dir, '.state'));
    expect(path.basename(data.path)).toMatch(new RegExp(`^memdump-${child.pid}-\\d{8}T\\d{6}Z\\.dmp$`));
  });

  it('reports missing processes and bad arguments', async () => {
    await r.fails('memdump', 'not_found', { pid: 2 ** 31 - 2 });
    await r.fails('memdump', 'invalid_argument', { pid: 'self' });
    await r.fails('memdump', 'already_exists', { pid: child.pid, destination: 'sleep.dmp' });
  });

  it('xmemdump is not supported', async () => {
    expect(await r.fails('xmemdump', 'not_supported', {})).toMatch(/xmemdump .*not supported on linux/);
  });
});
