import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { CLI, cliEnv, hasTmux, loggedIn, riposte, Terminal } from './support/cli.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const TMUX = hasTmux();
if (!TMUX) console.warn('\n*** SKIPPING test/cli-shell.test.ts: tmux is not installed (apt-get install tmux; .ci/run installs it) ***\n');

/** `riposte shell` in a real terminal (tmux) against a real server and a real agent on this machine. */
describe.skipIf(!TMUX)('riposte shell', { timeout: 180_000 }, () => {
  let t: TestServer;
  let agent: TestAgent;
  let home: string;
  let local: string;
  let term: Terminal;
  const PROMPT = (dir: string) => new RegExp(`${escape(os.hostname())}:${escape(dir)}> `);

  beforeAll(async () => {
    t = await startTestServer();
    agent = await startTestAgent(t);
    home = await loggedIn(t);
    local = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cli-local-'));
    fs.writeFileSync(path.join(agent.workDir, 'evidence-log.txt'), 'suspicious line\n');
    fs.mkdirSync(path.join(agent.workDir, 'evidence-dir'));
  });
  afterAll(async () => {
    term?.close();
    agent?.stop();
    await t?.close();
    for (const d of [home, local, agent?.workDir, agent?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  function openShell(): Terminal {
    term?.close();
    term = new Terminal(cliEnv(home));
    term.start([process.execPath, CLI, 'shell', os.hostname(), '-o', path.join(local, 'out')]);
    return term;
  }

  it('runs cd and ls with the host and cwd in the prompt, and tab-completes commands and remote paths', async () => {
    openShell();
    await term.waitFor(/session \S+ on .*admin tier/);
    await term.waitFor(PROMPT('/'));
    await term.after(PROMPT(agent.workDir), () => term.keys(`cd ${agent.workDir}`, 'Enter'));
    const listed = await term.after(/total \d+/, () => term.keys('ls', 'Enter'));
    expect(listed).toMatch(/-rw\S+\s+16 \S+ \S+ evidence-log\.txt/);
    expect(listed).toMatch(/^d\S+ .* evidence-dir$/m);

    // Completion is checked by what the completed line does: a command name, a file, a directory.
    // Every Tab is followed by a wait for its completion on the screen: readline completes only a
    // Tab that arrives last in what it reads (a Tab amid more keys counts as pasted text), and
    // the completer answers asynchronously.
    term.type('fileh');
    term.keys('Tab');
    await term.waitFor(/> filehash $/m);
    term.type('evidence-log.txt');
    expect(await term.after(/[0-9a-f]{64}/, () => term.keys('Enter'))).toMatch(/filehash evidence-log\.txt/);
    // A remote path completes after an `ls` round trip: Enter once the line shows it, as a person would.
    term.type('cat evidence-l');
    term.keys('Tab');
    await term.waitFor(/> cat evidence-log\.txt/);
    expect(await term.after(/suspicious line/, () => term.keys('Enter'))).toMatch(/> cat evidence-log\.txt\n/);
    term.type('cd evidence-d');
    term.keys('Tab');
    await term.waitFor(/> cd evidence-dir/);
    await term.after(PROMPT(`${agent.workDir}/evidence-dir`), () => term.keys('Enter'));
    await term.after(PROMPT(agent.workDir), () => term.keys('cd ..', 'Enter'));
  });

  it('prints the policy and setting that refuse a command, then gets and puts files once an administrator allows them', async () => {
    const refused = await term.after(/error: response policy/, () => term.keys('get evidence-log.txt', 'Enter'));
    expect(refused).toMatch(/error: response policy "platform_default" \(id [0-9a-f]+\) disables GetCommand/);

    // The administrator's way: the policy API (here through riposte policies set).
    const set = await riposte(home, ['policies', 'set', 'platform_default', '--platform', 'Linux', 'GetCommand=on', 'PutCommand=on', 'ExecCommand=on']);
    expect(set.code, set.stderr).toBe(0);

    const got = await term.after(/saved .*evidence-log\.txt/, () => term.keys('get evidence-log.txt', 'Enter'));
    expect(got).toMatch(/sha256 [0-9a-f]{64}, checked/);
    expect(fs.readFileSync(path.join(local, 'out', 'evidence-log.txt'), 'utf8')).toBe('suspicious line\n');

    const tool = path.join(local, 'tool.sh');
    fs.writeFileSync(tool, '#!/bin/sh\necho tool\n');
    const put = await term.after(/put \S+ on the host/, () => term.keys(`put ${tool}`, 'Enter'));
    expect(put).toMatch(/uploaded put-file "tool\.sh"/);
    expect(put).toMatch(/sha256 [0-9a-f]{64}, checked/);
    expect(fs.readFileSync(path.join(agent.workDir, 'tool.sh'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
  });

  it('Ctrl-C cancels a running command on the host and the shell goes on', async () => {
    const sessionId = /session (\S+) on /.exec(term.screen())![1];
    const runs = async () => (await t.server.core.commands.listForSession(sessionId)).filter((c) => c.name === 'run');
    term.keys('run /bin/sleep -CommandLine=60 -Wait', 'Enter');
    // Ctrl-C once the agent says the command is running (it reports that 250 ms after starting it).
    await waitFor(async () => (await runs()).some((c) => c.status === 'running'), 60_000, 'the run command running on the agent');
    // Typed ahead while it runs: the line keeps it, with the cursor after it, once the prompt is back.
    term.type('pw');
    await term.waitFor(/-Wait\npw$/m);
    // Well before the sleep's 60 s are up: the shell stopped waiting because of the Ctrl-C.
    const screen = await term.after(/^cancelled$/m, () => term.keys('C-c'), 45_000);
    expect(screen).not.toMatch(/riposte: /);
    // Cancelled on the server and the agent, not only abandoned by the shell.
    expect((await runs()).map((c) => c.status)).toEqual(['cancelled']);
    await term.waitFor(new RegExp(`^cancelled\n${PROMPT(agent.workDir).source}pw$`, 'm'));
    term.type('d');
    await term.waitFor(new RegExp(`${PROMPT(agent.workDir).source}pwd$`, 'm'));
    expect(await term.after(new RegExp(`^${escape(agent.workDir)}$`, 'm'), () => term.keys('Enter'))).toBeTruthy();
  });

  it('closes the session on exit and keeps the history for the next shell', async () => {
    await term.after(/session on .* closed/, () => term.keys('exit', 'Enter'));
    await term.waitFor(/\[exited 0\]/);
    openShell();
    await term.waitFor(PROMPT('/'));
    term.keys('Up');
    await term.waitFor(/> pwd$/m);
    term.keys('C-u', 'exit', 'Enter');
    await term.waitFor(/\[exited 0\]/);
  });

  it('names an unknown host, an offline host and wrong credentials in one line with a non-zero exit', async () => {
    const unknown = await riposte(home, ['shell', 'no-such-host']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'riposte: no host named "no-such-host" (riposte hosts ls lists them)\n' });
    const wrong = await riposte(home, ['hosts', 'ls'], { RIPOSTE_CLIENT_SECRET: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^riposte: the server refused the saved credentials/);
    expect(wrong.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
