import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findOnPath } from './paths.ts';
import { runner, tempDir } from './test-support.ts';

const r = runner(tempDir());

describe('update', () => {
  it('lists pending updates from the package manager', async (ctx) => {
    if (!(await findOnPath('apt'))) return ctx.skip();
    const data = await r.ok('update', { action: 'list' });
    expect(data.manager).toBe('apt');
    for (const u of data.updates) {
      expect(u).toEqual({ name: expect.stringMatching(/^\S+$/), version: expect.any(String), current_version: expect.any(String), arch: expect.any(String), source: expect.any(String) });
    }
  });

  it('parses the apt history into per-package entries', async (ctx) => {
    if (!fs.existsSync('/var/log/apt/history.log')) return ctx.skip();
    const data = await r.ok('update', { action: 'history' });
    expect(data.source).toBe('/var/log/apt/history.log');
    expect(data.entries.length).toBeGreaterThan(0);
    const e = data.entries[0];
    expect(e).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), action: expect.stringMatching(/^(install|upgrade|downgrade|remove|purge|reinstall)$/), name: expect.any(String), version: expect.any(String), previous_version: expect.any(String), command_line: expect.any(String) });
    const upgrade = data.entries.find((x: any) => x.action === 'upgrade');
    if (upgrade) expect(upgrade.previous_version).not.toBe('');
  });

  it('does not support install/query on linux', async () => {
    expect(await r.fails('update', 'not_supported', { action: 'install', id: 'x' })).toContain('linux');
    expect(await r.fails('update', 'not_supported', { action: 'query' })).toContain('linux');
    await r.fails('update', 'invalid_argument', { action: 'upgrade-everything' });
  });
});
