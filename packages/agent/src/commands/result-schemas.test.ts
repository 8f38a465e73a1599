import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultDataProblem } from '@riposte/spec';
import { simHost } from '../sim/testing.ts';
import { runner, tempDir } from './test-support.ts';
import type { Harness } from '../testing/harness.ts';
import type { Platform } from './types.ts';

// The gateway refuses a result whose data does not fit its command's schema (packages/spec,
// agent-results.ts): every result the agents really produce must fit, or it would be refused.

type Call = [name: string, args?: Record<string, unknown>];

async function expectConforming(h: Harness, calls: Call[]): Promise<number> {
  let checked = 0;
  for (const [name, args = {}] of calls) {
    const r = await h.run(name, args);
    if (!r.ok) continue; // not every command works on every platform; failures are not data
    expect(resultDataProblem(name, r.data), `${name} ${JSON.stringify(args)}`).toBeUndefined();
    checked++;
  }
  return checked;
}

const SIM_CALLS: Record<Platform, Call[]> = {
  linux: [
    ['ls', { path: '/etc' }], ['cd', { path: '/tmp' }], ['pwd'], ['cat', { path: '/etc/passwd' }], ['ps'], ['netstat'], ['ipconfig'], ['env'],
    ['filehash', { path: '/etc/passwd' }], ['getsid'], ['mount'], ['eventlog', { action: 'list' }], ['eventlog', { action: 'view', name: 'syslog', count: 5 }],
    ['mkdir', { path: '/tmp/conform' }], ['cp', { source: '/etc/hosts', destination: '/tmp/conform/hosts' }], ['mv', { source: '/tmp/conform/hosts', destination: '/tmp/conform/hosts2' }],
    ['zip', { source: '/etc/hosts', destination: '/tmp/conform/h.zip' }], ['encrypt', { path: '/tmp/conform/hosts2' }], ['rm', { path: '/tmp/conform', recursive: true }],
    ['get', { path: '/etc/hosts' }], ['run', { executable: 'echo', args: ['hi'] }], ['runscript', { script: 'echo hi' }], ['memdump', { pid: 1 }],
    ['update', { action: 'list' }], ['update', { action: 'history' }], ['restart'],
  ],
  windows: [
    ['ls', { path: 'C:\\Windows' }], ['ps'], ['netstat'], ['ipconfig'], ['getsid'], ['mount'], ['eventlog', { action: 'list' }], ['eventlog', { action: 'view', name: 'System', count: 5 }],
    ['eventlog', { action: 'export', name: 'System' }], ['reg', { action: 'query', key: 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' }],
    ['reg', { action: 'set', key: 'HKCU\\Software\\Conform', value: 'n', type: 'REG_DWORD', data: '1' }], ['reg', { action: 'delete', key: 'HKCU\\Software\\Conform', value: 'n' }],
    ['map', { drive: 'Z:', path: '\\\\fs01\\share' }], ['unmap', { drive: 'Z:' }], ['update', { action: 'list' }], ['update', { action: 'history' }], ['shutdown'],
  ],
  mac: [['ls', { path: '/Users' }], ['ps'], ['netstat'], ['ipconfig'], ['getsid'], ['mount'], ['eventlog', { action: 'list' }], ['update', { action: 'list' }]],
};

describe('agent results fit the protocol schemas', () => {
  for (const platform of ['linux', 'windows', 'mac'] as const) {
    it(`simulated ${platform} host`, async () => {
      const h = simHost(platform, 'conformance');
      // get uploads through the in-memory transfers.
      expect(await expectConforming(h, SIM_CALLS[platform])).toBeGreaterThan(SIM_CALLS[platform].length / 2);
    });
  }

  it('this machine (the real agent)', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'note.txt'), 'hello\n');
    const h = runner(dir);
    const calls: Call[] = [
      ['ls', { path: dir }], ['cd', { path: dir }], ['pwd'], ['cat', { path: 'note.txt' }], ['ps'], ['netstat'], ['ipconfig'], ['env'], ['filehash', { path: 'note.txt' }],
      ['getsid'], ['mount'], ['eventlog', { action: 'list' }], ['mkdir', { path: 'sub' }], ['cp', { source: 'note.txt', destination: 'sub' }], ['mv', { source: 'sub/note.txt', destination: 'moved.txt' }],
      ['zip', { source: 'sub', destination: 'sub.zip' }], ['encrypt', { path: 'moved.txt' }], ['rm', { path: 'sub', recursive: true }], ['run', { executable: 'echo', args: ['hi'] }],
      ['runscript', { script: 'echo hi' }], ['kill', { pid: 999_999_999 }],
    ];
    expect(await expectConforming(h, calls)).toBeGreaterThan(15);
  });
});
