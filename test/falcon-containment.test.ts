import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';

/**
 * Containment over the API on loopback. Isolation itself is proven in network namespaces
 * (containment-netns.test.ts); here the agent cannot apply the firewall (its nft and
 * iptables are made missing), so the host must say why and never be contained.
 */
describe('PerformActionV2 contain / lift_containment', () => {
  let t: TestServer;
  let token: string;
  let agent: TestAgent;
  let fleet: SimulatedFleet | undefined;
  const act = (action: string, ids: string[]) => t.api('POST', `/devices/entities/devices-actions/v2?action_name=${action}`, { token, json: { ids } });
  const device = async (id: string) => (await t.api('GET', `/devices/entities/devices/v2?ids=${id}`, { token })).body.resources[0];

  beforeAll(async () => {
    // Neither firewall: without the iptables fallback's tool too, nothing can touch this machine.
    process.env.RIPOSTE_NFT = '/nonexistent/nft';
    process.env.RIPOSTE_IPTABLES = '/nonexistent/iptables';
    t = await startTestServer();
    token = await t.token();
    agent = await startTestAgent(t);
  });
  afterAll(async () => {
    delete process.env.RIPOSTE_NFT;
    delete process.env.RIPOSTE_IPTABLES;
    await fleet?.stop();
    agent?.stop();
    await t?.close();
  });

  it('reports an agent that cannot apply the firewall: containment_failed with the reason, status back to normal', async () => {
    expect((await act('contain', [agent.deviceId])).status).toBe(202);
    await waitFor(async () => (await device(agent.deviceId)).containment_failed !== undefined, 10_000, 'the agent\'s answer');
    const d = await device(agent.deviceId);
    expect(d.status).toBe('normal');
    expect(d.containment_failed).toMatch(/nftables is not installed .*; iptables is not installed .*: the host cannot be contained/);
  });

  it('keeps an offline host pending until it connects', async () => {
    const [offline] = await seedHosts(t.server.core, 1);
    expect((await act('contain', [offline.device_id])).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    expect((await device(offline.device_id)).status).toBe('containment_pending');
  });

  it('refuses bad requests with the vendor\'s 4xx', async () => {
    const [h, hidden] = await seedHosts(t.server.core, 2);
    await act('hide_host', [hidden.device_id]);
    expect((await act('contain', ['0'.repeat(32)])).status).toBe(404);
    const hiddenRes = await act('contain', [hidden.device_id]);
    expect(hiddenRes.status).toBe(404);
    expect(hiddenRes.body.errors[0].message).toMatch(/not found/);
    expect((await act('contain', [h.device_id])).status).toBe(202);
    const second = await act('contain', [h.device_id]);
    expect(second.status).toBe(409);
    expect(second.body.errors[0].message).toMatch(/already pending containment/);
    const [normal] = await seedHosts(t.server.core, 1);
    const lift = await act('lift_containment', [normal.device_id]);
    expect(lift.status).toBe(409);
    expect(lift.body.errors[0].message).toMatch(/not contained/);
    const mixed = await act('lift_containment', [h.device_id, normal.device_id]);
    expect(mixed.status).toBe(202);
    expect(mixed.body.resources).toEqual([{ id: h.device_id, path: '' }]);
    expect(mixed.body.errors).toHaveLength(1);
    const badCidr = await t.api('PUT', '/riposte/entities/containment-allow-list/v1', { token, json: { cidrs: ['10.0.0.0/8', 'not-a-cidr'] } });
    expect(badCidr.status).toBe(400);
    expect(badCidr.body.errors[0].message).toMatch(/"not-a-cidr" is not a CIDR block/);
    expect((await t.api('GET', '/riposte/entities/containment-allow-list/v1', { token })).body.resources).toEqual([]);
    const good = await t.api('PUT', '/riposte/entities/containment-allow-list/v1', { token, json: { cidrs: ['10.0.0.0/8'] } });
    expect(good.body.resources).toEqual(['10.0.0.0/8']);
    const readOnly = await t.token(['devices:read']);
    expect((await t.api('PUT', '/riposte/entities/containment-allow-list/v1', { token: readOnly, json: { cidrs: [] } })).status).toBe(403);
  });

  it('contains simulated hosts virtually, confirmed by their agents', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-sim-'));
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: 2, platform: 'linux', stateDir, seed: 'contain' });
    const simulated = (await t.api('GET', `/devices/queries/devices/v1?filter=${encodeURIComponent("tags:'SensorGroupingTags/SimulatedHost'")}`, { token })).body.resources as string[];
    await waitFor(async () => simulated.length === 2 && (await t.api('GET', `/devices/entities/online-state/v1?ids=${simulated.join('&ids=')}`, { token })).body.resources.every((s: any) => s.state === 'online'), 20_000, 'fleet online');
    await act('contain', [simulated[0]]);
    await waitFor(async () => (await device(simulated[0])).status === 'contained', 10_000, 'contained');
    await act('lift_containment', [simulated[0]]);
    await waitFor(async () => (await device(simulated[0])).status === 'normal', 10_000, 'lifted');
  });
});
