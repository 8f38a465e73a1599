import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './support/server.ts';
import type { TestAgent } from './support/agent.ts';
import { apiClient, rtr, RTR_SCOPES, startRtrOnAgent } from './support/rtr.ts';

// Commands in a session on a real agent: the three tiers, parsing, status, chunked output.
describe('Falcon RTR command execution', () => {
  let t: TestServer;
  let agent: TestAgent;
  let admin: ReturnType<typeof rtr>;
  let sid: string;

  beforeAll(async () => {
    ({ t, agent, admin, sid } = await startRtrOnAgent());
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it('keeps the session directory across cd, and pwd reports it', async () => {
    expect((await admin.run(sid, `cd ${agent.workDir}`, 'read')).stdout).toBe(`${agent.workDir}\n`);
    expect((await admin.run(sid, 'pwd', 'read')).stdout).toBe(`${agent.workDir}\n`);
    const bad = await admin.run(sid, 'cd no-such-dir', 'read');
    expect(bad).toMatchObject({ complete: true, stdout: '' });
    expect(bad.stderr).toMatch(/no-such-dir: no such file or directory/);
    expect((await admin.run(sid, 'pwd', 'read')).stdout).toBe(`${agent.workDir}\n`);
    // A new session of the same client starts at the root again; its pwd follows its own cds.
    const init = await admin.init(agent.deviceId);
    expect(init.body.resources[0].pwd).toBe('/');
  });

  it('runs active-responder commands and renders their results', async () => {
    expect((await admin.run(sid, 'mkdir "case 42"', 'active')).stdout).toBe(`Created directory ${path.join(agent.workDir, 'case 42')}\n`);
    fs.writeFileSync(path.join(agent.workDir, 'case 42', 'note.txt'), 'hello riposte\n');
    const ls = await admin.run(sid, 'ls "case 42"', 'read');
    expect(ls.stdout).toMatch(new RegExp(`^${path.join(agent.workDir, 'case 42')}:\\n-rw\\S{7} 14 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d note.txt\\ntotal 1\\n$`));
    expect((await admin.run(sid, 'cat "case 42/note.txt"', 'read')).stdout).toBe('hello riposte\n');
    const hash = await admin.run(sid, 'filehash "case 42/note.txt"', 'read');
    expect(hash.stdout).toMatch(/SHA256: [0-9a-f]{64}/);
    expect((await admin.run(sid, 'cp "case 42/note.txt" copy.txt', 'active')).stdout).toMatch(/^Copied .*note.txt to .*copy.txt\n$/);
    expect((await admin.run(sid, 'rm copy.txt', 'active')).stdout).toMatch(/^Removed /);
    expect(fs.existsSync(path.join(agent.workDir, 'copy.txt'))).toBe(false);
    const ps = await admin.run(sid, 'ps', 'read');
    expect(ps.stdout.split('\n')[0]).toMatch(/^\s*PID\s+PPID/);
    expect(ps.stdout).toMatch(new RegExp(`\\n\\s*${process.pid}\\s`));
  });

  it('runs admin commands and scripts', async () => {
    const run = await admin.run(sid, 'run /bin/echo -CommandLine="from run" -Wait', 'admin');
    expect(run).toMatchObject({ complete: true, stdout: 'from run\n', stderr: '' });
    const raw = await admin.run(sid, 'runscript -Raw=```echo "raw $1"; echo oops >&2; exit 3``` -CommandLine="works"', 'active');
    expect(raw).toMatchObject({ complete: true, stdout: 'raw works\n', stderr: 'oops\nthe process exited with code 3\n' });
  });

  it('runs library scripts by their permission type', async () => {
    const responder = await apiClient(t, RTR_SCOPES.active);
    const lib = t.server.core.rtrLibrary.scripts;
    const owner = { id: t.clientId, name: 'bootstrap' };
    await lib.create({ name: 'public.sh', content: 'echo public', description: 'd', permission_type: 'public', platform: ['linux'] }, owner);
    await lib.create({ name: 'group.sh', content: 'echo group', description: 'd', permission_type: 'group', platform: ['linux'] }, owner);
    await lib.create({ name: 'private.sh', content: 'echo private', description: 'd', permission_type: 'private', platform: ['linux'] }, owner);
    await lib.create({ name: 'windows.ps1', content: 'Write-Output x', description: 'd', permission_type: 'public', platform: ['windows'] }, owner);
    // The owner (an admin) may run all three.
    for (const name of ['public', 'group', 'private']) expect((await admin.run(sid, `runscript -CloudFile="${name}.sh"`, 'active')).stdout).toBe(`${name}\n`);
    // An active responder of another client: public only; the rest do not exist for it.
    const r = rtr(t, responder.token);
    const rsid = await r.session(agent.deviceId);
    expect((await r.run(rsid, 'runscript -CloudFile="public.sh"', 'active')).stdout).toBe('public\n');
    for (const name of ['group.sh', 'private.sh']) {
      const refused = await r.execute(rsid, `runscript -CloudFile="${name}"`, 'active');
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].message).toBe(`no custom script named "${name}" is available to this API client`);
    }
    const wrongPlatform = await admin.execute(sid, 'runscript -CloudFile=windows.ps1', 'active');
    expect(wrongPlatform.status).toBe(400);
    expect(wrongPlatform.body.errors[0].message).toMatch(/is for windows, not linux/);
  });

  it('refuses a command above the endpoint’s tier, naming the tier', async () => {
    const rm = await admin.execute(sid, 'rm x', 'read');
    expect(rm.status).toBe(400);
    expect(rm.body.errors[0].message).toMatch(/"rm" is an active-responder command; this endpoint runs read-only commands only/);
    const put = await admin.execute(sid, 'put tool.exe', 'active');
    expect(put.status).toBe(400);
    expect(put.body.errors[0].message).toMatch(/"put" is an admin command; .*RTR_ExecuteAdminCommand/);
    // Scope decides who may call an endpoint at all.
    const reader = rtr(t, await t.token(RTR_SCOPES.read));
    const rsid = await reader.session(agent.deviceId);
    expect((await reader.execute(rsid, 'ls', 'active')).status).toBe(403);
    expect((await reader.run(rsid, 'ls /', 'read')).complete).toBe(true);
  });

  it('refuses unknown commands and bad syntax with a 400', async () => {
    const cases: [string, string, RegExp][] = [
      ['frobnicate', 'frobnicate now', /unknown command "frobnicate"/],
      ['ls', 'ls "C:\\Program Files', /unterminated quote/],
      ['cat', 'ls /tmp', /base_command "cat" does not match/],
      ['cp', 'cp one', /cp takes 2 arguments/],
      ['rm', 'rm x -Recurse', /unknown option -Recurse for rm; options are: -Force/],
      ['runscript', 'runscript -Raw=```echo', /unterminated raw block/],
      ['reg', 'reg query HKLM\\Software', /reg query is not available on Linux hosts/],
      ['put', 'put missing.exe', /no put-file named "missing.exe"/],
    ];
    const logged = async () => Number((await t.server.core.store.db.selectFrom('rtr_commands').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await logged();
    for (const [base, line, message] of cases) {
      const res = await admin.api('POST', '/real-time-response/entities/admin-command/v1', { session_id: sid, base_command: base, command_string: line });
      expect(res.status, line).toBe(400);
      expect(res.body.errors[0].message, line).toMatch(message);
    }
    expect(await logged()).toBe(before); // nothing half-created
    expect((await admin.api('POST', '/real-time-response/entities/command/v1', { session_id: sid, base_command: 'ls' })).status).toBe(400);
    const wrongHost = await admin.execute(sid, 'ls', 'read', { device_id: 'a'.repeat(32) });
    expect(wrongHost.status).toBe(400);
    expect(wrongHost.body.errors[0].message).toMatch(/is not the host of session/);
    expect((await admin.execute('no-such-session', 'ls', 'read')).status).toBe(404);
  });

  it('answers help, history and clear itself', async () => {
    const s = await admin.session(agent.deviceId);
    await admin.run(s, 'pwd', 'read');
    const help = await admin.run(s, 'help', 'read');
    expect(help.stdout).toMatch(/Commands available to an admin responder on this Linux host/);
    expect(help.stdout).toMatch(/\nrun\s+Run an executable/);
    expect(help.stdout).not.toMatch(/put-and-run/); // Windows and Mac only
    expect((await admin.run(s, 'help runscript', 'read')).stdout).toMatch(/Usage: runscript \[-CloudFile=<value>\]/);
    expect((await admin.run(s, 'help nothing', 'read')).stderr).toMatch(/not a command/);
    expect((await admin.run(s, 'clear', 'read'))).toMatchObject({ complete: true, stdout: '', stderr: '' });
    expect((await admin.run(s, 'history', 'read')).stdout).toBe('1  pwd\n2  help\n3  help runscript\n4  help nothing\n5  clear\n6  history\n');
  });

  it('serves long output in 64 KiB sequences', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n') + '\n';
    fs.writeFileSync(path.join(agent.workDir, 'big.txt'), text);
    const res = await admin.execute(sid, 'cat big.txt', 'read');
    const id = res.body.resources[0].cloud_request_id;
    const first = await admin.wait(id);
    expect(Buffer.byteLength(first.stdout)).toBe(65536);
    expect(first).toMatchObject({ complete: true, sequence_id: 0, task_id: id, base_command: 'cat', session_id: sid });
    let all = first.stdout;
    for (let seq = 1; ; seq++) {
      const st = await admin.status(id, seq);
      if (st.status === 404) {
        expect(st.body.errors[0].message).toBe(`sequence_id ${seq} is out of range: this output has 3 sequences (sequence_id 0 to 2)`);
        break;
      }
      expect(st.body.resources[0].sequence_id).toBe(seq);
      all += st.body.resources[0].stdout;
    }
    expect(all).toBe(text);
  });

  it('reports unknown and foreign cloud_request_ids as 404', async () => {
    const unknown = await admin.status('00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toMatch(/cloud_request_id 0{8}-.* not found/);
    const mine = await admin.execute(sid, 'pwd', 'read');
    const other = rtr(t, await t.token(RTR_SCOPES.admin));
    expect((await other.status(mine.body.resources[0].cloud_request_id)).status).toBe(404);
    expect((await admin.api('GET', '/real-time-response/entities/command/v1?cloud_request_id=x&sequence_id=-1')).status).toBe(400);
    const pending = await admin.execute(sid, 'runscript -Raw=```sleep 1```', 'active');
    const early = await admin.status(pending.body.resources[0].cloud_request_id, 1);
    expect(early.status).toBe(404);
    expect(early.body.errors[0].message).toMatch(/has not completed: only sequence_id 0 exists yet/);
  });
});
