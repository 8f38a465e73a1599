import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtectedPaths } from './protected-paths.ts';
import { runner, tempDir } from './test-support.ts';

const root = tempDir();
const data = path.join(root, 'data');
const state = path.join(root, 'state');
const output = path.join(state, 'output');
const work = path.join(root, 'work');
for (const d of [data, output, work]) fs.mkdirSync(d, { recursive: true });
fs.writeFileSync(path.join(data, 'bootstrap.json'), '{"client_secret":"s3cret"}');
fs.writeFileSync(path.join(state, 'identity.json'), '{"agent_secret":"a"}');
fs.writeFileSync(path.join(output, 'memdump-1.dmp'), 'dump');
fs.writeFileSync(path.join(work, 'note.txt'), 'plain');
fs.symlinkSync(data, path.join(work, 'link-to-data'));
fs.symlinkSync(path.join(data, 'bootstrap.json'), path.join(work, 'boot-link'));

const protect = new ProtectedPaths({ roots: [data, state], allowed: [output] });
const r = runner(work, { protect, stateDir: output, secretValues: ['agent-secret-value'] });

describe('protected paths', () => {
  it('refuses every file command inside a protected directory, naming it', async () => {
    const boot = path.join(data, 'bootstrap.json');
    const refusals: [string, Record<string, unknown>][] = [
      ['cat', { path: boot }],
      ['ls', { path: data }],
      ['ls', { path: boot }],
      ['cd', { path: data }],
      ['filehash', { path: boot }],
      ['get', { path: boot }],
      ['rm', { path: boot }],
      ['mkdir', { path: path.join(data, 'new') }],
      ['cp', { source: boot, destination: work }],
      ['cp', { source: path.join(work, 'note.txt'), destination: data }],
      ['mv', { source: path.join(work, 'note.txt'), destination: path.join(data, 'x') }],
      ['zip', { source: data, destination: path.join(work, 'data.zip') }],
      ['zip', { source: path.join(work, 'note.txt'), destination: path.join(data, 'n.zip') }],
      ['put', { sha256: 'a'.repeat(64), name: 'bootstrap.json', size: 1, destination: data, overwrite: true }],
      ['encrypt', { path: boot }],
      ['cat', { path: path.join(state, 'identity.json') }],
    ];
    for (const [name, args] of refusals) {
      const message = await r.fails(name, 'permission_denied', args);
      expect(message, name).toMatch(/refused: .*riposte's own secrets/);
      expect(message, name).toMatch(new RegExp(`${data}|${state}`));
    }
    expect(fs.readFileSync(boot, 'utf8')).toContain('s3cret');
  });

  it('follows symlinks, `..` and relative paths to the real path', async () => {
    await r.fails('cat', 'permission_denied', { path: 'boot-link' });
    await r.fails('cat', 'permission_denied', { path: 'link-to-data/bootstrap.json' });
    await r.fails('ls', 'permission_denied', { path: 'link-to-data' });
    await r.fails('cat', 'permission_denied', { path: '../work/../data/./bootstrap.json' });
    await r.fails('rm', 'permission_denied', { path: path.join(data, '..', 'data', 'bootstrap.json') });
  });

  it('refuses whole-tree commands on a directory holding a protected one, but lists the parent', async () => {
    await r.fails('rm', 'permission_denied', { path: root, recursive: true });
    await r.fails('zip', 'permission_denied', { source: root, destination: path.join(work, 'all.zip') });
    await r.fails('mv', 'permission_denied', { source: root, destination: path.join(work, 'moved') });
    const listed = await r.ok('ls', { path: root });
    expect(listed.entries.map((e: any) => e.name)).toEqual(['data', 'state', 'work']);
    expect(fs.existsSync(path.join(data, 'bootstrap.json'))).toBe(true);
  });

  it("leaves other paths and the agent's output directory usable", async () => {
    expect((await r.ok('cat', { path: 'note.txt' })).content).toBe('plain');
    expect((await r.ok('cat', { path: path.join(output, 'memdump-1.dmp') })).content).toBe('dump');
    await r.ok('cp', { source: 'note.txt', destination: 'copy.txt' });
    await r.ok('rm', { path: 'copy.txt' });
  });

  it('compares case-insensitively where the platform does', async () => {
    const mac = new ProtectedPaths({ roots: [data], platform: 'darwin' });
    expect(await mac.conflict(path.join(data.toUpperCase(), 'BOOTSTRAP.JSON'), 'entry')).toBe(data);
    const linux = new ProtectedPaths({ roots: [data], platform: 'linux' });
    expect(await linux.conflict(path.join(data.toUpperCase(), 'BOOTSTRAP.JSON'), 'entry')).toBeUndefined();
  });

  it('env hides RIPOSTE_* variables and any variable holding a secret the agent was given', async () => {
    process.env.RIPOSTE_DATABASE_URL_TEST = 'postgres://u:p@h/db';
    process.env.SOMETHING_ELSE_TEST = 'x agent-secret-value y';
    process.env.HARMLESS_TEST = 'fine';
    try {
      const { variables } = await r.ok('env');
      expect(Object.keys(variables).filter((k) => /^riposte_/i.test(k))).toEqual([]);
      expect(variables.SOMETHING_ELSE_TEST).toBeUndefined();
      expect(variables.HARMLESS_TEST).toBe('fine');
    } finally {
      delete process.env.RIPOSTE_DATABASE_URL_TEST;
      delete process.env.SOMETHING_ELSE_TEST;
      delete process.env.HARMLESS_TEST;
    }
  });
});
