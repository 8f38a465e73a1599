import { describe, expect, it } from 'vitest';
import { parseAuthLogLine, parseSyslogTime } from './auth-log.ts';
import { parseLocalAccounts } from './local-accounts.ts';

const NOW = new Date('2026-03-01T12:00:00Z');

describe('auth log', () => {
  it('reads sshd logons and failures with user, source address and method', () => {
    expect(parseAuthLogLine('Feb 28 10:00:01 web1 sshd[812]: Accepted publickey for alice from 192.0.2.4 port 50100 ssh2: ED25519 SHA256:abc', NOW)).toEqual({
      timestamp: '2026-02-28T10:00:01.000Z', user: 'alice', source_ip: '192.0.2.4', protocol: 'SSH', result: 'SUCCESS', service: 'ssh/publickey',
    });
    expect(parseAuthLogLine('2026-02-28T10:00:02.123456+01:00 web1 sshd[813]: Failed password for invalid user admin from 203.0.113.9 port 4000 ssh2', NOW)).toMatchObject({
      timestamp: '2026-02-28T09:00:02.123Z', user: 'admin', source_ip: '203.0.113.9', result: 'FAILURE', reason: 'unknown user',
    });
    expect(parseAuthLogLine('Feb 28 10:00:03 web1 sshd[814]: Failed password for bob from 2001:db8::1 port 4001 ssh2', NOW)).toMatchObject({ user: 'bob', source_ip: '2001:db8::1', reason: 'bad password' });
  });

  it('reads sudo and login, and ignores everything else', () => {
    expect(parseAuthLogLine('Feb 28 10:01:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id', NOW)).toMatchObject({ user: 'alice', protocol: 'SUDO', result: 'SUCCESS' });
    expect(parseAuthLogLine('Feb 28 10:01:01 web1 sudo:    carol : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh', NOW)).toMatchObject({ user: 'carol', protocol: 'SUDO', result: 'FAILURE' });
    expect(parseAuthLogLine("Feb 28 10:02:00 web1 login[900]: FAILED LOGIN (1) on '/dev/tty1' FOR 'dave', Authentication failure", NOW)).toMatchObject({ user: 'dave', protocol: 'LOGIN', result: 'FAILURE', service: '/dev/tty1' });
    expect(parseAuthLogLine('Feb 28 10:02:05 web1 login[901]: pam_unix(login:session): session opened for user erin(uid=1001) by LOGIN(uid=0)', NOW)).toMatchObject({ user: 'erin', protocol: 'LOGIN', result: 'SUCCESS' });
    expect(parseAuthLogLine('Feb 28 10:03:00 web1 CRON[1]: pam_unix(cron:session): session opened for user root', NOW)).toBeUndefined();
    expect(parseAuthLogLine('not a syslog line', NOW)).toBeUndefined();
  });

  it('puts a year-less December line in the previous year when read in March', () => {
    expect(parseSyslogTime('Dec 31 23:59:59 h x: y', NOW)!.time.toISOString()).toBe('2025-12-31T23:59:59.000Z');
  });
});

describe('local accounts', () => {
  const passwd = [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash',
    'bob:x:1001:1001::/home/bob:/bin/bash',
  ].join('\n');
  const group = ['root:x:0:', 'daemon:x:1:', 'sudo:x:27:alice', 'alice:x:1000:', 'bob:x:1001:', 'docker:x:999:alice,bob'].join('\n');
  const shadow = ['root:!:19000:0:99999:7:::', 'daemon:*:19000:0:99999:7:::', 'alice:$6$x:20000:0:90:7:::', 'bob:$6$y:20100:0::7:::'].join('\n');

  it('derives privilege, programmatic accounts, groups and password age', () => {
    const { users, groups } = parseLocalAccounts({ passwd, group, shadow });
    const by = Object.fromEntries(users.map((u) => [u.sam_account_name, u]));
    expect(by.root).toMatchObject({ privileged: true, builtin_admin: true, enabled: false, service_account: false, password_never_expires: true });
    expect(by.daemon).toMatchObject({ privileged: false, service_account: true, enabled: false });
    expect(by.alice).toMatchObject({ display_name: 'Alice Example', privileged: true, enabled: true, password_never_expires: false, password_last_set: new Date(20000 * 86_400_000).toISOString() });
    expect(by.alice.groups.sort()).toEqual(['alice', 'docker', 'sudo']);
    expect(by.bob).toMatchObject({ privileged: false, password_never_expires: true });
    expect(groups.find((g) => g.name === 'sudo')!.privileged).toBe(true);
  });

  it('reports no password facts when shadow cannot be read', () => {
    const { users } = parseLocalAccounts({ passwd, group });
    const alice = users.find((u) => u.sam_account_name === 'alice')!;
    expect(alice.password_last_set).toBeUndefined();
    expect(alice.password_never_expires).toBeUndefined();
    expect(alice.enabled).toBe(true);
  });
});
