import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/agent.ts';

const COUNT = 51; // 17 of each platform
const ROOT = path.resolve(import.meta.dirname, '..');
const CWD = { windows: 'C:\\', linux: '/', mac: '/' } as const;

describe('simulated fleet (riposte agent simulate)', () => {
  let t: TestServer;
  let stateDir: string;
  let fleet: SimulatedFleet | undefined;
  /** Executions per command id, as the simulated hosts' executors started them. */
  const executed = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestServer();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-sim-'));
  });
  afterAll(async () => {
    await fleet?.stop();
    await t.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const hostCount = async () => (await t.server.core.hosts.query({ limit: 1, includeHidden: true })).total;
  const run = async (deviceId: string, name: string, args: Record<string, unknown>, cwd: string) => {
    const c = await t.server.core.commands.issue({ device_id: deviceId, name, args, cwd, issued_by: 'test', timeout_ms: 30_000 });
    return t.server.core.commands.wait(c.id, 45_000);
  };

  it('brings a mixed fleet online, one enrolled host per simulated agent, tagged SimulatedHost', async () => {
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: COUNT, platform: 'mixed', stateDir, seed: 'test', restartDelayMs: 300, onExecute: (id) => void executed.set(id, (executed.get(id) ?? 0) + 1) });
    await fleet.waitConnected(COUNT, 60_000);
    expect(fleet.connected).toBe(COUNT);
    expect(await hostCount()).toBe(COUNT);
    const hosts = await t.server.core.hosts.getMany(fleet.agents.map((a) => a.deviceId));
    expect(hosts).toHaveLength(COUNT);
    expect(hosts.every((h) => h.online)).toBe(true);
    expect(hosts.every((h) => h.tags.some((tag) => tag.endsWith('SimulatedHost')))).toBe(true);
    const platforms = new Map(hosts.map((h) => [h.device_id, h.platform_name]));
    expect(fleet.agents.map((a) => platforms.get(a.deviceId))).toEqual(fleet.agents.map((a) => ({ windows: 'Windows', linux: 'Linux', mac: 'Mac' })[a.platform]));
    expect(new Set(hosts.map((h) => h.hostname)).size).toBe(COUNT);
    const saved = JSON.parse(fs.readFileSync(path.join(stateDir, 'identities.json'), 'utf8'));
    expect(Object.keys(saved.agents)).toHaveLength(COUNT);
    expect(fs.statSync(path.join(stateDir, 'identities.json')).mode & 0o077).toBe(0);
  });

  it('Windows hosts answer reg query; Linux hosts answer not_supported', async () => {
    const windows = fleet!.agents.find((a) => a.platform === 'windows')!;
    const linux = fleet!.agents.find((a) => a.platform === 'linux')!;
    const key = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
    const win = await run(windows.deviceId, 'reg', { action: 'query', key }, CWD.windows);
    expect(win.status).toBe('complete');
    expect(JSON.stringify(win.result)).toContain('CurrentVersion');
    const lin = await run(linux.deviceId, 'reg', { action: 'query', key }, CWD.linux);
    expect(lin.status).toBe('error');
    expect(lin.error!.code).toBe('not_supported');
  });

  it('a fan-out ls comes back complete from every host', async () => {
    const { commands, refused } = await t.server.core.commands.issueMany(
      fleet!.agents.map((a) => ({ device_id: a.deviceId, name: 'ls', args: {}, cwd: CWD[a.platform], issued_by: 'test', timeout_ms: 30_000 })),
      'fanout-ls',
    );
    expect(refused).toEqual([]);
    const done = await t.server.core.commands.waitAll(commands.map((c) => c.id), 45_000);
    expect(done).toHaveLength(COUNT);
    expect(done.filter((c) => c.status !== 'complete')).toEqual([]);
    for (const c of done) expect((c.result!.entries as unknown[]).length).toBeGreaterThan(0);
    // The hosts' own count: each command started exactly once.
    expect(commands.map((c) => executed.get(c.id))).toEqual(commands.map(() => 1));
    // Deterministic hosts: the same platform lists the same root, whichever host answers.
    const names = (c: (typeof done)[number]) => (c.result!.entries as { name: string }[]).map((e) => e.name).sort().join(',');
    const byDevice = new Map(done.map((c) => [c.device_id, c]));
    const winRoots = fleet!.agents.filter((a) => a.platform === 'windows').map((a) => names(byDevice.get(a.deviceId)!));
    expect(winRoots.join('')).toContain('Windows');
  });

  it('a simulated restart takes the host offline and brings it back as a fresh boot', async () => {
    const agent = fleet!.agents.find((a) => a.platform === 'windows')!;
    const before = agent.client;
    // Heard as it happens: the host may be back before the restart's result has been read.
    let disconnected = false;
    before.once('disconnected', () => (disconnected = true));
    const c = await run(agent.deviceId, 'restart', {}, CWD.windows);
    expect(c.status).toBe('complete');
    await waitFor(() => disconnected, 30_000, 'the restarting host to disconnect');
    await waitFor(() => agent.connected && agent.client !== before, 30_000, 'the restarted host to reconnect');
    await waitFor(async () => (await t.server.core.hosts.get(agent.deviceId))!.online, 30_000, 'the host online again');
    expect(fleet!.connected).toBe(COUNT);
  });

  it('a re-run with the same state directory reconnects the same hosts and creates none', async () => {
    const before = fleet!.agents.map((a) => a.deviceId);
    await fleet!.stop();
    const again = await startFleet({ serverUrl: t.url, count: COUNT, platform: 'mixed', stateDir, seed: 'test' }); // no enroll token needed
    fleet = again;
    await again.waitConnected(COUNT, 60_000);
    expect(again.agents.map((a) => a.deviceId)).toEqual(before);
    expect(await hostCount()).toBe(COUNT);
    const c = await run(again.agents[1].deviceId, 'pwd', {}, '/');
    expect(c.status).toBe('complete');
  });

  it('the CLI enrolls in the parent, spreads the fleet over worker processes and prints READY', async () => {
    await fleet?.stop();
    fleet = undefined;
    const cliState = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-sim-cli-'));
    const simulate = async (count: number) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'packages/cli/src/main.ts'), 'agent', 'simulate', '--server', t.url, '--enroll-token', t.enrollToken,
          '--count', String(count), '--platform', 'linux', '--processes', '2', '--state', cliState, '--seed', 'cli'],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const lines: string[] = [];
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      try {
        await new Promise<void>((resolve, reject) => {
          readline.createInterface({ input: child.stdout }).on('line', (line) => {
            lines.push(line);
            if (line.startsWith('READY')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`simulate exited ${code}: ${stderr}`)));
          // Three Node processes load riposte's TypeScript (seconds of CPU each): minutes on a busy machine.
          setTimeout(() => reject(new Error(`no READY after 150 s: ${lines.join('\n')}\n${stderr}`)), 150_000).unref();
        });
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      return lines;
    };
    try {
      const before = await hostCount();
      const first = await simulate(8);
      expect(first.at(-1)).toBe('READY 8 agents connected');
      expect(first).toContain('enrolled 8/8');
      expect(await hostCount()).toBe(before + 8);
      expect(Object.keys(JSON.parse(fs.readFileSync(path.join(cliState, 'identities.json'), 'utf8')).agents)).toHaveLength(8);
    } finally {
      fs.rmSync(cliState, { recursive: true, force: true });
    }
  }, 180_000);
});
