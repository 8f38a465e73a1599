import path from 'node:path';
import fs from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FalconClient } from 'crowdstrike-falcon';
import type { HostRecord } from '@riposte/core';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { seedHosts } from './support/hosts.ts';
import { falconClient } from './falconjs-sdk.test.ts';
import { falconPy, runFalconPy } from './support/falconpy.ts';

/**
 * DevicesActionsDeleteV1: permanent deletion of hidden hosts, by ids or by filter. A deleted
 * host's agent is cut off and its identity no longer connects; visible and unknown hosts are
 * refused per id.
 */
describe('DevicesActionsDeleteV1 (delete-managed-assets)', () => {
  let t: TestServer;
  let agent: TestAgent;
  let token: string;
  let hosts: HostRecord[];
  let client: FalconClient;
  const sdk = falconPy();
  const api = (method: string, p: string, json?: unknown) => t.api(method, p, { token, json });
  const del = (json: unknown) => api('POST', '/devices/entities/devices-actions-delete/v1', json);
  const hide = (ids: string[]) => api('POST', '/devices/entities/devices-actions/v2?action_name=hide_host', { ids });
  const exists = async (id: string) => (await api('GET', `/devices/entities/devices/v2?ids=${id}`)).status === 200;

  beforeAll(async () => {
    t = await startTestServer();
    token = await t.token();
    agent = await startTestAgent(t);
    hosts = await seedHosts(t.server.core, 6);
    client = falconClient(t);
  });
  afterAll(async () => {
    agent?.stop();
    await t?.close();
  });

  it('refuses bad requests, unknown hosts and visible hosts, deleting nothing', async () => {
    const empty = await del({});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].message).toMatch(/ids or filter is required/);
    expect((await del({ ids: [] })).status).toBe(400);
    expect((await del({ ids: [hosts[0].device_id], bogus: 1 })).status).toBe(400);
    const badFilter = await del({ filter: "hostname:'x" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors[0].message).toMatch(/position/);

    const unknown = await del({ ids: ['0'.repeat(32)] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]).toMatchObject({ code: 404, id: '0'.repeat(32) });

    const visible = await del({ ids: [hosts[0].device_id] });
    expect(visible.status).toBe(409);
    expect(visible.body.errors[0].message).toMatch(/not hidden: hide it first/);
    expect(await exists(hosts[0].device_id)).toBe(true);

    // Without the scope: 403, whatever the body.
    const readOnly = await t.server.core.apiClients.create({ name: "reader", scopes: ["devices:read"] });
    const tok = (await t.api('POST', '/oauth2/token', { form: { client_id: readOnly.client_id, client_secret: readOnly.client_secret } })).body.access_token;
    expect((await t.api('POST', '/devices/entities/devices-actions-delete/v1', { token: tok, json: { ids: [hosts[0].device_id] } })).status).toBe(403);
  });

  it("deletes a hidden agent's host: the agent is cut off, its identity refused, its sessions gone, the deletion audited", async () => {
    const session = await api('POST', '/real-time-response/entities/sessions/v1', { device_id: agent.deviceId });
    expect(session.status).toBe(201);
    expect((await hide([agent.deviceId])).status).toBe(202);

    const res = await del({ ids: [agent.deviceId] });
    expect(res.status).toBe(200);
    expect(res.body.resources).toEqual([{ id: agent.deviceId, path: '' }]);
    expect(res.body.errors).toEqual([]);

    await waitFor(() => !t.server.app.gateway!.connections.has(agent.deviceId), 10_000, 'the deleted host\'s agent to be disconnected');
    expect(await exists(agent.deviceId)).toBe(false);
    expect((await api('GET', '/devices/queries/devices-hidden/v1')).body.resources).not.toContain(agent.deviceId);
    expect((await api('GET', `/real-time-response/entities/sessions/v1?ids=${session.body.resources[0].session_id}`)).body.resources ?? []).toEqual([]);

    const identity = JSON.parse(fs.readFileSync(path.join(agent.stateDir, 'identity.json'), 'utf8'));
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/agent/v1/connect`, { headers: { authorization: `Agent ${identity.device_id}:${identity.agent_secret}` } });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => {});
    });
    ws.terminate();
    expect(status).toBe(401);

    const audit = await t.server.core.audit.forTarget('host', agent.deviceId);
    expect(audit.map((e) => e.action)).toContain('host.delete');
    // Deleting it again: it is unknown now.
    expect((await del({ ids: [agent.deviceId] })).status).toBe(404);
  });

  it('deletes by filter only hidden hosts; with ids the filter narrows them; per-id errors beside deletions', async () => {
    const windows = hosts.filter((h) => h.platform_name === 'Windows').map((h) => h.device_id);
    expect(windows).toHaveLength(2);
    await hide([windows[0]]);
    const byFilter = await del({ filter: "platform_name:'Windows'" });
    expect(byFilter.status).toBe(200);
    expect(byFilter.body.resources).toEqual([{ id: windows[0], path: '' }]);
    expect(await exists(windows[1])).toBe(true);

    const [linux, mac] = [hosts.find((h) => h.platform_name === 'Linux')!.device_id, hosts.find((h) => h.platform_name === 'Mac')!.device_id];
    await hide([linux, mac]);
    const narrowed = await del({ ids: [linux, mac], filter: "platform_name:'Mac'" });
    expect(narrowed.body.resources).toEqual([{ id: mac, path: '' }]);
    expect(await exists(linux)).toBe(true);

    const mixed = await del({ ids: [linux, windows[1], '1'.repeat(32)] });
    expect(mixed.status).toBe(200);
    expect(mixed.body.resources).toEqual([{ id: linux, path: '' }]);
    expect(mixed.body.errors.map((e: any) => [e.id, e.code])).toEqual([[windows[1], 409], ['1'.repeat(32), 404]]);
    expect(mixed.body.meta.writes).toEqual({ resources_affected: 1 });
  });

  it('falconjs: devicesActionsDeleteV1 parses the answer', async () => {
    const id = hosts.filter((h) => h.platform_name === 'Windows')[1].device_id;
    await client.hosts.performActionV2('hide_host', { ids: [id] });
    const out = await client.hosts.devicesActionsDeleteV1({ ids: [id], filter: '' });
    expect(out.resources).toEqual([{ id, path: '' }]);
    expect(await exists(id)).toBe(false);
  });

  it.skipIf('missing' in sdk)(`FalconPy: the Uber class reaches it by route override${'missing' in sdk ? ` (SKIPPED: ${sdk.missing})` : ''}`, async () => {
    if ('missing' in sdk) return;
    const id = hosts.filter((h) => h.platform_name === 'Mac')[1].device_id;
    await hide([id]);
    const out = await runFalconPy(sdk, t, 'APIHarnessV2', `
out = falcon.command(override="POST,/devices/entities/devices-actions-delete/v1", body={"ids": [args["id"]]})
`, { id });
    expect(out.status_code).toBe(200);
    expect(out.body.resources).toEqual([{ id, path: '' }]);
  });
});
