import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectLogins } from './index.ts';
import { writeUtmpFixture, type FixtureRecord } from './fixtures.ts';
import { parseUtmp, readUtmpFile, UtmpType } from './utmp.ts';

const at = (iso: string) => new Date(iso);
const RECORDS: FixtureRecord[] = [
  { type: UtmpType.BOOT_TIME, pid: 0, id: '~~', line: '~', user: 'reboot', host: '6.1.0-test', ipv4: '', time: at('2026-12-01T08:00:00Z') },
  { type: UtmpType.USER_PROCESS, pid: 1234, id: 'ts/0', line: 'pts/0', user: 'alice', host: '192.0.2.10', ipv4: '192.0.2.10', time: at('2026-12-01T09:00:00Z') },
  { type: UtmpType.DEAD_PROCESS, pid: 1234, id: 'ts/0', line: 'pts/0', user: '', host: '', ipv4: '', time: at('2026-12-01T10:00:00Z') },
  { type: UtmpType.USER_PROCESS, pid: 1300, id: 'tty1', line: 'tty1', user: 'bob', host: '', ipv4: '', time: at('2026-12-02T11:30:00Z') },
  { type: UtmpType.USER_PROCESS, pid: 1400, id: ':0', line: ':0', user: 'carol', host: ':0', ipv4: '', time: at('2026-12-03T12:00:05.250Z') },
];

function fixture(records = RECORDS): { dir: string; file: string; writer: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'utmp-'));
  const file = path.join(dir, 'wtmp');
  return { dir, file, writer: writeUtmpFixture(file, records) };
}

describe('utmp records', () => {
  it('reads every field of a utmp-format file', async () => {
    const { file } = fixture();
    const records = await readUtmpFile(file);
    expect(records.map((r) => [r.type, r.pid, r.line, r.user, r.host, r.address, r.time.toISOString()])).toEqual([
      [2, 0, '~', 'reboot', '6.1.0-test', '', '2026-12-01T08:00:00.000Z'],
      [7, 1234, 'pts/0', 'alice', '192.0.2.10', '192.0.2.10', '2026-12-01T09:00:00.000Z'],
      [8, 1234, 'pts/0', '', '', '', '2026-12-01T10:00:00.000Z'],
      [7, 1300, 'tty1', 'bob', '', '', '2026-12-02T11:30:00.000Z'],
      [7, 1400, ':0', 'carol', ':0', '', '2026-12-03T12:00:05.250Z'],
    ]);
    expect(parseUtmp(Buffer.alloc(100))).toEqual([]); // a partial record is not a record
    expect(await readUtmpFile(path.join(os.tmpdir(), 'no-such-wtmp'))).toEqual([]);
  });

  it('agrees with the OS\'s own `last -f FILE` on who logged in when and from where', async (ctx) => {
    const { file } = fixture();
    const last = spawnSync('last', ['-f', file, '-w', '-i', '--time-format', 'iso'], { encoding: 'utf8' });
    if (last.status !== 0) {
      console.warn(`SKIPPED: util-linux \`last\` is not available here (${last.error?.message ?? last.stderr})`);
      ctx.skip();
    }
    // "alice    pts/0        192.0.2.10       2026-12-01T09:00:00+00:00 - …"
    const theirs = last.stdout
      .split('\n')
      .map((l) => /^(\S+)\s+(\S+)\s+(\S+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)/.exec(l))
      .filter((m): m is RegExpExecArray => !!m && m[1] !== 'reboot')
      .map((m) => ({ user: m[1], time: new Date(m[4]).toISOString(), address: m[3] === '0.0.0.0' ? '' : m[3] }));
    const ours = (await collectLogins('linux', { wtmp: file, btmp: path.join(os.tmpdir(), 'none'), authLogs: [], journal: false }))!;
    const seconds = (iso: string) => iso.replace(/\.\d{3}Z$/, '.000Z');
    expect(ours.map((l) => ({ user: l.user_name, time: seconds(l.login_time), address: l.remote_address ?? '' })).reverse()).toEqual(theirs);
    expect(ours.map((l) => [l.user_name, l.login_type, l.success])).toEqual([
      ['alice', 'Remote interactive', true],
      ['bob', 'Interactive', true],
      ['carol', 'Interactive', true],
    ]);
  });

  it('reports btmp records as failed attempts, and nothing on platforms it cannot read', async () => {
    const { file: btmp } = fixture([
      { type: UtmpType.LOGIN_PROCESS, pid: 99, id: '', line: 'ssh:notty', user: 'admin', host: '203.0.113.5', ipv4: '203.0.113.5', time: at('2026-12-04T00:00:00Z') },
    ]);
    const logins = await collectLogins('linux', { wtmp: path.join(os.tmpdir(), 'none'), btmp, authLogs: [], journal: false });
    expect(logins).toEqual([{ user_name: 'admin', login_time: '2026-12-04T00:00:00.000Z', login_type: 'Remote interactive', remote_address: '203.0.113.5', success: false }]);
    expect(await collectLogins('windows')).toBeUndefined();
    expect(await collectLogins('mac')).toBeUndefined();
  });
});
