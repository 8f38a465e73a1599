import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { waitFor } from './support/agent.ts';
import { loggedIn, riposte } from './support/cli.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const ONLINE = 150;
const OFFLINE = 50;

/** `riposte batch` and the fleet and library commands against a real server and simulated hosts. */
describe('riposte batch and fleet commands', { timeout: 180_000 }, () => {
  let t: TestServer;
  let online: SimulatedFleet;
  let home: string;
  let work: string;
  let offlineIds: string[];

  beforeAll(async () => {
    t = await startTestServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cli-fleet-'));
    online = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: ONLINE, platform: 'mixed', stateDir: path.join(work, 'a'), seed: 'online' });
    const gone = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: OFFLINE, platform: 'linux', stateDir: path.join(work, 'b'), seed: 'gone' });
    await online.waitConnected(ONLINE, 60_000);
    await gone.waitConnected(OFFLINE, 60_000);
    offlineIds = gone.agents.map((a) => a.deviceId);
    await gone.stop();
    await waitFor(async () => (await t.server.core.hosts.getMany(offlineIds)).every((h) => !h.online), 30_000, 'hosts offline');
    home = await loggedIn(t);
  }, 120_000);
  afterAll(async () => {
    await online?.stop();
    await t?.close();
    for (const d of [home, work]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs a batch over 200 hosts: CSV per host, offline ones named, non-zero exit', async () => {
    const r = await riposte(home, ['batch', '--filter', "last_seen:>'now-1d'", '--output', 'csv', '--timeout', '60', '--', 'pwd']);
    expect(r.code, r.stderr).toBe(1);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header).toEqual(['device_id', 'status', 'stdout', 'stderr', 'error']);
    expect(new Set(rows.map((x) => x[0])).size).toBe(ONLINE + OFFLINE);
    const status = new Map(rows.map((x) => [x[0], x[1]]));
    for (const id of offlineIds) expect(status.get(id)).toBe('offline');
    for (const a of online.agents) expect(status.get(a.deviceId)).toBe('done');
    expect(rows.find((x) => x[0] === offlineIds[0])![4]).toMatch(/offline/i);
    expect(rows.find((x) => x[0] === online.agents[0].deviceId)![2]).toMatch(/^(\/|[A-Z]:\\)/);
    expect(r.stderr).toContain(`${ONLINE + OFFLINE} hosts: ${ONLINE} done, 0 failed, 0 timed out, ${OFFLINE} offline (--queue-offline queues the command for offline hosts)`);
  });

  it('--queue-offline queues for offline hosts and exits 0; jsonl gives one object per host', async () => {
    const r = await riposte(home, ['batch', '--hosts', [...offlineIds.slice(0, 5), online.agents[0].deviceId].join(','), '--queue-offline', '--output', 'jsonl', '--', 'pwd']);
    expect(r.code, r.stderr).toBe(0);
    const objects = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objects).toHaveLength(6);
    expect(objects.filter((o) => o.status === 'queued')).toHaveLength(5);
    expect(objects.find((o) => o.device_id === online.agents[0].deviceId)).toMatchObject({ status: 'done', stdout: expect.stringMatching(/\S/) });
  });

  it('refuses a batch without hosts, and bad ids, in one line', async () => {
    expect(await riposte(home, ['batch', '--', 'ls'])).toMatchObject({ code: 1, stderr: 'riposte: give exactly one of --filter, --hosts or --group\n' });
    expect(await riposte(home, ['batch', '--hosts', 'nope', '--', 'ls'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^riposte: --hosts takes device ids/) });
  });

  it('lists and shows hosts, manages a group and batches over it', async () => {
    const ls = await riposte(home, ['hosts', 'ls', '--filter', "platform_name:'Linux'", '--output', 'json', '--limit', '500']);
    expect(ls.code, ls.stderr).toBe(0);
    const hosts = JSON.parse(ls.stdout) as { device_id: string; hostname: string; state: string }[];
    expect(hosts.length).toBe(ONLINE / 3 + OFFLINE);
    expect(hosts.filter((h) => h.state === 'offline').map((h) => h.device_id).sort()).toEqual([...offlineIds].sort());
    const target = online.agents.find((a) => a.platform === 'linux')!;
    const name = hosts.find((h) => h.device_id === target.deviceId)!.hostname;
    // The offline fleet reused the online one's host names: a name with two hosts is refused with both listed.
    const twins = hosts.filter((h) => h.hostname === name);
    expect(twins).toHaveLength(2);
    const ambiguous = await riposte(home, ['hosts', 'show', name]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(new RegExp(`^riposte: "${name}" names 2 hosts; give a device id instead:`));
    for (const h of twins) expect(ambiguous.stderr).toContain(`${h.device_id}  ${name}  Linux`);
    const show = await riposte(home, ['hosts', 'show', target.deviceId, '--output', 'json']);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ device_id: target.deviceId, hostname: name, state: 'online' });
    const offline = await riposte(home, ['get', twins.find((h) => h.device_id !== target.deviceId)!.device_id, '/etc/hostname']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/^riposte: host \S+ \([0-9a-f]{32}\) is offline; --queue-offline opens the session anyway/);

    const other = online.agents.find((a) => a.deviceId !== target.deviceId)!;
    expect((await riposte(home, ['groups', 'create', 'responders-lab'])).code).toBe(0);
    const add = await riposte(home, ['groups', 'add', 'responders-lab', target.deviceId, other.deviceId]);
    expect(add.code, add.stderr).toBe(0);
    const groups = JSON.parse((await riposte(home, ['groups', 'ls', '--output', 'json'])).stdout);
    expect(groups.map((g: { name: string }) => g.name)).toContain('responders-lab');
    const batch = await riposte(home, ['batch', '--group', 'responders-lab', '--output', 'jsonl', '--', 'pwd']);
    expect(batch.code, batch.stderr).toBe(0);
    expect(batch.stdout.trim().split('\n').map((l) => JSON.parse(l).device_id).sort()).toEqual([target.deviceId, other.deviceId].sort());
    expect((await riposte(home, ['groups', 'rm', 'responders-lab', target.deviceId])).code).toBe(0);
  });

  it('adds, lists and removes put-files and scripts; sets a policy; shows the audit trail', async () => {
    const file = path.join(work, 'collector.sh');
    fs.writeFileSync(file, '#!/bin/sh\nuname -a\n');
    const added = await riposte(home, ['put-files', 'add', file]);
    expect(added.stdout).toMatch(/^uploaded collector\.sh \(id \S+, sha256 [0-9a-f]{64}\)/);
    const csv = (await riposte(home, ['put-files', 'ls', '--output', 'csv'])).stdout;
    expect(csv).toMatch(/^id,name,size,sha256/);
    expect(csv).toContain(',collector.sh,');
    expect((await riposte(home, ['put-files', 'rm', 'collector.sh'])).code).toBe(0);
    expect((await riposte(home, ['put-files', 'ls', '--output', 'json'])).stdout.trim()).toBe('[]');

    expect((await riposte(home, ['scripts', 'add', file, '--name', 'collect', '--platform', 'linux,mac'])).code).toBe(0);
    const scripts = JSON.parse((await riposte(home, ['scripts', 'ls', '--output', 'json'])).stdout);
    expect(scripts).toMatchObject([{ name: 'collect', platform: ['linux', 'mac'] }]);
    expect((await riposte(home, ['scripts', 'rm', 'collect'])).code).toBe(0);

    const ambiguous = await riposte(home, ['policies', 'show', 'platform_default']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/names 3 policies .* add --platform or give the id/);
    expect((await riposte(home, ['policies', 'set', 'platform_default', '--platform', 'Mac', 'GetCommand=on'])).code).toBe(0);
    const mac = JSON.parse((await riposte(home, ['policies', 'show', 'platform_default', '--platform', 'Mac', '--output', 'json'])).stdout);
    expect(mac.settings.flatMap((s: { settings: unknown[] }) => s.settings)).toContainEqual(expect.objectContaining({ id: 'GetCommand', value: { enabled: true } }));
    const bad = await riposte(home, ['policies', 'set', 'platform_default', '--platform', 'Mac', 'Nope=on']);
    expect(bad.stderr).toMatch(/^riposte: Mac policies have no setting Nope/);

    const audit = JSON.parse((await riposte(home, ['audit', '--since', '1h', '--output', 'json', '--limit', '500'])).stdout);
    expect(audit.some((r: { log: { command_string?: string } }) => r.log.command_string === 'pwd')).toBe(true);
  });

  it('prints help with examples, and a bash completion script that bash loads', async () => {
    const help = await riposte(home, ['batch', '--help']);
    expect(help.stdout).toMatch(/Examples:\n {2}\$ riposte batch --filter/);
    for (const sub of [['hosts', 'ls'], ['groups', 'add'], ['policies', 'set'], ['shell'], ['get'], ['put'], ['audit'], ['login'], ['completion']]) {
      expect((await riposte(home, [...sub, '--help'])).stdout, sub.join(' ')).toContain('Examples:');
    }
    const script = (await riposte(home, ['completion', 'bash'])).stdout;
    const file = path.join(work, 'riposte.bash');
    fs.writeFileSync(file, script);
    const complete = (line: string) =>
      execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _riposte; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).trim();
    expect(execFileSync('bash', ['-c', `source ${file}; complete -p riposte`], { encoding: 'utf8' })).toContain('-F _riposte riposte');
    expect(complete("riposte gr")).toBe('groups');
    expect(complete("riposte groups ''").split(' ')).toEqual(expect.arrayContaining(['ls', 'create', 'add', 'rm']));
    expect(complete("riposte batch --ti")).toBe('--timeout --tier');
    expect((await riposte(home, ['completion', 'zsh'])).stdout).toContain('#compdef riposte');
    expect((await riposte(home, ['completion', 'fish'])).stdout).toContain("complete -c riposte -n '__fish_use_subcommand' -a");
    expect(await riposte(home, ['completion', 'tcsh'])).toMatchObject({ code: 1, stderr: 'riposte: completion scripts exist for bash, zsh and fish, not "tcsh"\n' });
  });
});

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}
