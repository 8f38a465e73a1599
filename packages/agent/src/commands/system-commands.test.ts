import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const r = runner(tempDir());

describe('env', () => {
  it('returns the agent process environment', async () => {
    const { variables } = await r.ok('env');
    expect(variables.PATH).toBe(process.env.PATH);
    // riposte's own settings (RIPOSTE_*) are never shown.
    const shown = Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^RIPOSTE_/i.test(k));
    expect(Object.keys(variables).length).toBe(shown.length);
  });
});

describe('getsid', () => {
  it('lists users and groups from /etc/passwd and /etc/group', async () => {
    const { users, groups } = await r.ok('getsid');
    expect(users).toContainEqual(expect.objectContaining({ name: 'root', uid: 0, gid: 0, home: '/root', sid: null }));
    expect(users[0]).toEqual({ name: expect.any(String), uid: expect.any(Number), gid: expect.any(Number), home: expect.any(String), shell: expect.any(String), sid: null });
    expect(groups).toContainEqual(expect.objectContaining({ name: 'root', gid: 0, members: expect.any(Array), sid: null }));
    const passwdLines = fs.readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(users).toHaveLength(passwdLines.length);
  });
});

describe('mount', () => {
  it('lists mounts including /', async () => {
    const { mounts } = await r.ok('mount');
    const rootMount = mounts.find((m: any) => m.mount_point === '/');
    expect(rootMount).toEqual({ device: expect.any(String), mount_point: '/', fs_type: expect.any(String), options: expect.stringMatching(/^r[ow]/) });
    expect(mounts).toContainEqual(expect.objectContaining({ mount_point: '/proc', fs_type: 'proc' }));
  });
});
