import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAuthLog, readAuthLog } from './auth-log.ts';

const LOG = [
  '2026-12-05T10:11:12.345678+00:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
  '2026-12-05T10:11:13.000000+00:00 web1 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)',
  '2026-12-05T10:12:00+01:00 web1 sudo[4242]:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh',
  'Dec  4 23:59:58 web1 sudo:     carol : TTY=pts/2 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/ls',
  'Dec  4 23:59:59 web1 sshd[1]: Accepted publickey for carol from 192.0.2.1 port 5000 ssh2',
].join('\n');

describe('authentication log', () => {
  it('reads sudo elevations, failed ones included, from both time stamp styles', () => {
    const now = new Date(2026, 11, 5, 12);
    expect(parseAuthLog(LOG, now)).toEqual([
      { user_name: 'alice', login_time: '2026-12-05T10:11:12.345Z', login_type: 'Elevation', success: true },
      { user_name: 'bob', login_time: '2026-12-05T09:12:00.000Z', login_type: 'Elevation', success: false },
      { user_name: 'carol', login_time: new Date(2026, 11, 4, 23, 59, 58).toISOString(), login_type: 'Elevation', success: true },
    ]);
    // A traditional stamp later in the year than now belongs to last year.
    expect(parseAuthLog('Dec 31 10:00:00 h sudo: dave : TTY=x ; COMMAND=/bin/true', new Date(2027, 0, 2))[0].login_time).toBe(new Date(2026, 11, 31, 10).toISOString());
  });

  it('reads the first log that exists', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authlog-'));
    fs.writeFileSync(path.join(dir, 'secure'), `${LOG}\n`);
    const found = await readAuthLog([path.join(dir, 'auth.log'), path.join(dir, 'secure')]);
    expect(found?.map((l) => l.user_name)).toEqual(['alice', 'bob', 'carol']);
    expect(await readAuthLog([path.join(dir, 'nothing')])).toBeUndefined();
  });
});
