import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath } from './paths.ts';
import { runner, tempDir } from './test-support.ts';

const dir = tempDir();
const r = runner(dir);

describe('eventlog', () => {
  it('lists journald and readable text logs under /var/log', async () => {
    const { logs } = await r.ok('eventlog', { action: 'list' });
    if (await findOnPath('journalctl')) expect(logs[0]).toEqual({ name: 'journal', source: 'journald', path: null, size: null });
    const files = logs.filter((l: any) => l.source === 'file');
    for (const l of files) {
      expect(l.path).toBe(path.join('/var/log', l.name));
      expect(l.size).toBe(fs.statSync(l.path).size);
      expect(l.name).not.toMatch(/\.gz$|^wtmp$/);
    }
    if (fs.existsSync('/var/log/dpkg.log')) expect(files.map((l: any) => l.name)).toContain('dpkg.log');
  });

  it('views the last lines of a file log', async (ctx) => {
    if (!fs.existsSync('/var/log/dpkg.log')) return ctx.skip();
    const expected = fs.readFileSync('/var/log/dpkg.log', 'utf8').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
    const data = await r.ok('eventlog', { action: 'view', name: 'dpkg.log', count: 5 });
    expect(data).toEqual({ name: 'dpkg.log', lines: expected.slice(-5), truncated: false });
    const many = await r.ok('eventlog', { action: 'view', name: 'dpkg.log', count: 10_000 });
    expect(many.lines).toEqual(expected.slice(-10_000));
  });

  it('views the journal (possibly empty in a container)', async (ctx) => {
    if (!(await findOnPath('journalctl'))) return ctx.skip();
    const data = await r.ok('eventlog', { action: 'view', name: 'journal', count: 3 });
    expect(data.lines.length).toBeLessThanOrEqual(3);
  });

  it('exports a log into the state directory', async (ctx) => {
    if (!fs.existsSync('/var/log/dpkg.log')) return ctx.skip();
    const data = await r.ok('eventlog', { action: 'export', name: 'dpkg.log' });
    expect(data.path.startsWith(path.join(dir, '.state'))).toBe(true);
    expect(fs.readFileSync(data.path)).toEqual(fs.readFileSync('/var/log/dpkg.log'));
    expect(data.size).toBe(fs.statSync('/var/log/dpkg.log').size);
    const again = await r.ok('eventlog', { action: 'export', name: 'dpkg.log' }); // same second: a new name
    expect(again.path).not.toBe(data.path);
  });

  it('rejects unknown logs and names outside /var/log', async () => {
    await r.fails('eventlog', 'not_found', { action: 'view', name: 'no-such-log' });
    await r.fails('eventlog', 'not_found', { action: 'view', name: '../../etc/passwd' });
    await r.fails('eventlog', 'not_found', { action: 'export', name: '/etc/shadow' });
    await r.fails('eventlog', 'invalid_argument', { action: 'tail', name: 'dpkg.log' });
    await r.fails('eventlog', 'invalid_argument', { action: 'view' });
    await r.fails('eventlog', 'invalid_argument', { action: 'view', name: 'dpkg.log', count: 10_001 });
  });
});
