import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet } from '../packages/agent/src/sim/fleet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent } from './support/agent.ts';

const run = promisify(execFile);
const CLI = path.resolve('packages/cli/bin/riposte.js');

/**
 * Agent state from one server used against another (or revoked): the agents must not loop on
 * 401 forever. A simulated fleet enrolls again when given a token and stops with a message naming
 * the state directory otherwise; a real agent stops with such a message.
 */
describe('identities the server does not know', () => {
  let a: TestServer;
  let b: TestServer;
  let stateDir: string;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-sim-foreign-'));
    const fleet = await startFleet({ serverUrl: a.url, enrollToken: a.enrollToken, count: 3, stateDir, seed: 'foreign' });
    await fleet.waitConnected(3, 20_000);
    await fleet.stop();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const identities = () => JSON.parse(fs.readFileSync(path.join(stateDir, 'identities.json'), 'utf8')).agents as Record<string, { device_id: string }>;

  it('agent simulate without a token exits with a message naming the state directory', async () => {
    const failed = await run(process.execPath, [CLI, 'agent', 'simulate', '--server', b.url, '--count', '3', '--seed', 'foreign', '--state', stateDir], { timeout: 120_000 }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed, 'the command should fail').toBeDefined();
    expect(failed!.code).toBe(1);
    expect(failed!.stderr).toContain(path.join(stateDir, 'identities.json'));
    expect(failed!.stderr).toMatch(/refused 3 of 3 simulated hosts' identities .*give --enroll-token/);
  }, 150_000);

  it('the fleet enrolls the unknown hosts again when given a token', async () => {
    const before = identities();
    const fleet = await startFleet({ serverUrl: b.url, enrollToken: b.enrollToken, count: 3, stateDir, seed: 'foreign' });
    try {
      await fleet.waitConnected(3, 20_000);
      const after = identities();
      for (const key of Object.keys(before)) expect(after[key].device_id).not.toBe(before[key].device_id);
      const hosts = await b.server.core.hosts.getMany(fleet.agents.map((x) => x.deviceId));
      expect(hosts.filter((h) => h.online)).toHaveLength(3);
    } finally {
      await fleet.stop();
    }
  });

  it('a real agent whose identity the server refuses stops with exit status 3 and says what to do', async () => {
    const agent = await startTestAgent(a);
    agent.stop();
    const failed = await run(process.execPath, [CLI, 'agent', '--server', b.url, '--state', agent.stateDir], { timeout: 120_000 }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed!.code).toBe(3);
    expect(failed!.stderr).toContain(path.join(agent.stateDir, 'identity.json'));
    expect(failed!.stderr).toMatch(/revoked, or enrolled with another server/);
  }, 150_000);
});
