import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** How one firewall's rules are seen and removed from inside the host's namespace. */
export interface NetnsFirewall {
  /** What the agent uses: `nftables`, or `iptables` (the agent is then told nft is missing). */
  name: 'nftables' | 'iptables';
  /** Commands the test needs besides `ip`, with what installs them. */
  needs: { command: string; install: string }[];
  /** The agent's environment, to make it use this firewall. */
  agentEnv: Record<string, string>;
  /** The agent's rules as text, or undefined when none are loaded. */
  rules(inHost: InHost): string | undefined;
  /** What a host restart does to them: they are gone. */
  flush(inHost: InHost): void;
}

export type InHost = (...args: string[]) => SpawnSyncReturns<string>;

/**
 * Containment isolates a real agent's host, proven inside two network namespaces the suite makes
 * (the machine's own network is never touched): the server's namespace and the host's, joined by
 * a veth pair. The agent runs in the host's namespace and applies its firewall rules there.
 */
export function containmentNetnsSuite(firewall: NetnsFirewall): void {
  const ROOT = path.resolve(import.meta.dirname, '../..');
  const SUFFIX = crypto.randomBytes(3).toString('hex');
  const NS_SERVER = `rp-srv-${SUFFIX}`;
  const NS_HOST = `rp-host-${SUFFIX}`;
  const SERVER_IP = '10.231.7.1';
  const HOST_IP = '10.231.7.2';
  const SECOND_PORT = 18_000 + Math.floor(Math.random() * 1000);

  function unavailable(): string | undefined {
    if (process.platform !== 'linux') return 'network namespaces are Linux-only';
    if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
    if (spawnSync('ip', ['netns', 'list']).status !== 0) return '`ip netns` is not available (iproute2)';
    for (const need of firewall.needs) {
      if (spawnSync(need.command, ['--version']).status !== 0) return `${need.command} is not installed; .ci/run installs ${need.install}`;
    }
    return undefined;
  }
  const missing = unavailable();
  if (missing) console.warn(`SKIPPED containment netns test (${firewall.name}): ${missing}`);

  const sh = (...args: string[]) => {
    const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const inHost: InHost = (...args: string[]) => spawnSync('ip', ['netns', 'exec', NS_HOST, ...args], { encoding: 'utf8' });
  /** Can the host's namespace open a TCP connection to this port of the server's namespace? */
  const reaches = (port: number) => inHost('timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${SERVER_IP}/${port}`).status === 0;
  /** Reachable, allowing a busy machine three tries (a probe that could not start in 3 s is not a drop). */
  const reachable = (port: number) => reaches(port) || reaches(port) || reaches(port);

  describe.skipIf(!!missing)(`containment isolates a real agent with ${firewall.name} (network namespaces)`, () => {
    let server: ChildProcess;
    let agent: ChildProcess | undefined;
    let serverUrl = '';
    let enrollToken = '';
    let deviceId = '';
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-contained-agent-'));
    const replies = new Map<number, (r: { status: number; body: any }) => void>();
    let nextId = 0;

    const api = (method: string, p: string, json?: unknown) =>
      new Promise<{ status: number; body: any }>((resolve) => {
        const id = ++nextId;
        replies.set(id, resolve);
        server.send({ id, method, path: p, json });
      });
    const device = async () => (await api('GET', `/devices/entities/devices/v2?ids=${deviceId}`)).body.resources[0];
    // Bounded by time, not by a count of looks: a look may take seconds (a probe times out after
    // 3 s), and what is awaited may include an agent process starting on a busy machine.
    const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await device().catch(() => undefined))}`);
    };
    const startAgent = () => {
      agent = spawn('ip', ['netns', 'exec', NS_HOST, process.execPath, path.join(ROOT, 'packages/cli/bin/riposte.js'), 'agent', '--server', serverUrl, '--enroll-token', enrollToken, '--state', stateDir], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...firewall.agentEnv },
      });
      agent.stderr!.on('data', (d) => process.env.DEBUG_NETNS && process.stderr.write(d));
    };
    const stopAgent = async () => {
      if (!agent || agent.exitCode !== null) return;
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    };

    beforeAll(async () => {
      sh('ip', 'netns', 'add', NS_SERVER);
      sh('ip', 'netns', 'add', NS_HOST);
      sh('ip', 'netns', 'exec', NS_SERVER, 'ip', 'link', 'add', 'veth-srv', 'type', 'veth', 'peer', 'name', 'veth-host', 'netns', NS_HOST);
      for (const [ns, dev, ip] of [[NS_SERVER, 'veth-srv', SERVER_IP], [NS_HOST, 'veth-host', HOST_IP]]) {
        sh('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${ip}/24`, 'dev', dev);
        sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', dev, 'up');
        sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
      }
      const env = { ...process.env, BIND_ADDRESS: SERVER_IP, SECOND_PORT: String(SECOND_PORT), RIPOSTE_TEST_DB: 'sqlite' };
      server = spawn('ip', ['netns', 'exec', NS_SERVER, process.execPath, '--import', 'tsx', path.join(ROOT, 'test/support/netns-server.ts')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await new Promise<void>((resolve, reject) => {
        server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
        server.on('message', (m: any) => {
          if (m.ready) {
            serverUrl = m.url;
            enrollToken = m.enrollToken;
            resolve();
          } else replies.get(m.id)?.(m);
        });
      });
      startAgent();
      await until('the agent to enroll and connect', async () => {
        const ids = (await api('GET', '/devices/queries/devices/v1')).body.resources as string[];
        deviceId = ids[0] ?? '';
        return !!deviceId && (await api('GET', `/devices/entities/online-state/v1?ids=${deviceId}`)).body.resources[0]?.state === 'online';
      });
    }, 240_000); // a server process and an agent process start: slow on a busy machine

    afterAll(async () => {
      await stopAgent().catch(() => {});
      if (server?.connected) {
        const exited = new Promise((r) => server.once('exit', r));
        server.send({ close: true });
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      server?.kill();
      // Deleting the namespaces removes the veth pair and the agent's table with them.
      spawnSync('ip', ['netns', 'del', NS_HOST]);
      spawnSync('ip', ['netns', 'del', NS_SERVER]);
    });

    it('cuts the host off from everything but the server, survives an agent restart, and lifts', async () => {
      expect(reachable(SECOND_PORT)).toBe(true);

      const allow = await api('PUT', '/riposte/entities/containment-allow-list/v1', { cidrs: ['192.0.2.0/24'] });
      expect(allow.status).toBe(200);
      const contain = await api('POST', '/devices/entities/devices-actions/v2?action_name=contain', { ids: [deviceId] });
      expect(contain.status).toBe(202);
      await until('contained', async () => (await device()).status === 'contained');
      expect(reaches(SECOND_PORT)).toBe(false);
      expect(firewall.rules(inHost)).toMatch(/192\.0\.2\.0\/24/);
      // The agent's own connection stays: it is online and answers.
      expect((await api('GET', `/devices/entities/online-state/v1?ids=${deviceId}`)).body.resources[0].state).toBe('online');

      // The host restarts (its rules are gone) and so does the agent: it contains again at start.
      await stopAgent();
      firewall.flush(inHost);
      expect(firewall.rules(inHost)).toBeUndefined();
      expect(reachable(SECOND_PORT)).toBe(true);
      startAgent();
      await until('containment restored', async () => !reaches(SECOND_PORT));
      await until('the agent to reconnect', async () => (await api('GET', `/devices/entities/online-state/v1?ids=${deviceId}`)).body.resources[0]?.state === 'online');
      expect((await device()).status).toBe('contained');

      const lift = await api('POST', '/devices/entities/devices-actions/v2?action_name=lift_containment', { ids: [deviceId] });
      expect(lift.status).toBe(202);
      await until('normal', async () => (await device()).status === 'normal');
      expect(reachable(SECOND_PORT)).toBe(true);
      expect(firewall.rules(inHost)).toBeUndefined();

      // Uninstalling a contained host's agent leaves the host reachable.
      await api('POST', '/devices/entities/devices-actions/v2?action_name=contain', { ids: [deviceId] });
      await until('contained again', async () => (await device()).status === 'contained');
      expect(reaches(SECOND_PORT)).toBe(false);
      await stopAgent();
      const uninstall = inHost('env', ...Object.entries(firewall.agentEnv).map(([k, v]) => `${k}=${v}`), process.execPath, path.join(ROOT, 'packages/cli/bin/riposte.js'), 'agent-uninstall', '--state', stateDir);
      expect(uninstall.status).toBe(0);
      expect(reachable(SECOND_PORT)).toBe(true);
      expect(fs.existsSync(stateDir)).toBe(false);
    }, 300_000); // the agent process starts again, and the uninstall is one more process
  });
}
