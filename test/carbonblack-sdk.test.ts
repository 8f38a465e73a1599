import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, type RunningAgent } from '../packages/agent/src/run-agent.ts';
import { startFleet, type SimulatedFleet } from '../packages/agent/src/sim/fleet.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/agent.ts';
import { makeTestCa } from './support/certificates.ts';
import { allowAllCommands } from './support/rtr.ts';
import { VENDOR_DIR } from './support/vendor.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SDK_TARBALL = path.join(VENDOR_DIR, 'cbc-sdk-1.5.10-src.tar.gz');
const FLOW = path.resolve('test/carbonblack-sdk/lr_flow.py');

/** Why the SDK cannot run here (Debian's python3 and the packages .ci/run installs), or '' when it can. */
function missing(): string {
  if (!fs.existsSync(SDK_TARBALL)) return `${SDK_TARBALL} is absent (set RIPOSTE_VENDOR_DIR to the folder holding it)`;
  try {
    execFileSync(PYTHON, ['-c', 'import requests, yaml, dateutil, jsonschema, schema, validators, boto3'], { stdio: 'pipe' });
    return '';
  } catch (err) {
    return `${PYTHON} lacks the CBC SDK's dependencies (.ci/run installs them): ${String((err as { stderr?: Buffer }).stderr ?? err).trim().split('\n').pop()}`;
  }
}
const why = missing();
if (why) console.warn(`SKIPPING the CBC SDK test: ${why}`);

// The vendor's Python SDK, unchanged, drives its LiveResponseSessionManager flow against riposte
// serving TLS (the SDK refuses any base URL that is not https://).
describe.skipIf(!!why)('Carbon Black Cloud Python SDK (cbc_sdk 1.5.10) over HTTPS', () => {
  let dir: string;
  let t: TestServer;
  let agent: RunningAgent;
  let fleet: SimulatedFleet;
  let sleeper: ReturnType<typeof spawn>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cbc-sdk-'));
    execFileSync('tar', ['xzf', SDK_TARBALL, '-C', dir]);
    const ca = makeTestCa(dir, 'cbc');
    t = await startTestServer({ tls: { certFile: ca.certFile, keyFile: ca.keyFile } });
    await allowAllCommands(t);
    const tls = { ca: fs.readFileSync(ca.caFile) };
    agent = await runAgent({ serverUrl: t.url, enrollToken: t.enrollToken, stateDir: path.join(dir, 'agent'), tls });
    fleet = await startFleet({ serverUrl: t.url, enrollToken: t.enrollToken, count: 1, platform: 'windows', stateDir: path.join(dir, 'fleet'), seed: 'cbc', tls });
    await waitFor(async () => (await t.server.core.hosts.get(agent.deviceId))?.online === true, 20_000, 'the agent online over WSS');
    sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
  }, 60_000);
  afterAll(async () => {
    sleeper?.kill();
    agent?.stop();
    await fleet?.stop();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the live response flow: device lookup, session, files, processes, registry, keepalive, close', async () => {
    const core = t.server.core;
    const boot = t.server.bootstrap!;
    const linux = (await core.hosts.get(agent.deviceId))!;
    const windows = await core.store.db.selectFrom('hosts').select(['cb_device_id', 'device_id']).where('platform_name', '=', 'Windows').executeTakeFirstOrThrow();
    await waitFor(async () => (await core.hosts.get(windows.device_id))?.online === true, 20_000, 'simulated Windows host online');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-cbc-work-'));
    const { stdout } = await run(PYTHON, [FLOW, t.url, `${boot.cb_api_secret}/${boot.cb_api_id}`, boot.org_key, String(linux.cb_device_id), work, String(sleeper.pid), String(windows.cb_device_id)], {
      env: { ...process.env, PYTHONPATH: [dir, path.join(VENDOR_DIR, 'shims')].join(':'), PYTHONWARNINGS: 'ignore' },
      timeout: 240_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.device).toEqual({ id: linux.cb_device_id, name: linux.hostname, os: 'LINUX' });
    expect(out.unknown_device).toBe('ObjectNotFoundError');
    expect(out.session_id).toMatch(new RegExp(`^\\d+:${linux.cb_device_id}$`));
    expect(out.supported_commands).toHaveLength(9);
    expect(out.listing).toContain('sdk');
    expect(out.get_file).toBe('put by the CBC SDK\n');
    expect(out.create_process).toBe('hello from the SDK\n');
    expect(out.create_process_nowait).toBeNull();
    expect(out.sleep_listed).toBe(true);
    await waitFor(() => sleeper.exitCode !== null || sleeper.signalCode !== null, 5000, 'the killed process to end');
    expect(out.after_delete).toEqual([]);
    expect(fs.existsSync(path.join(work, 'sdk', 'put.txt'))).toBe(false);
    expect(out.registry).toMatch(/not supported by this device/);
    expect(out.memdump).toMatch(/MemDumpCommand/);
    expect(out.keepalive).toBe('ok');
    expect(out.reg_value).toMatchObject({ value_name: 'Color', value_type: 'REG_SZ', value_data: 'blue' });
    expect(out.reg_list.sub_keys).toContain('RiposteTest');
    expect(out.reg_after_delete).toEqual([]);
    expect((await t.server.core.carbonblack.sessions.list()).length).toBe(0);
    fs.rmSync(work, { recursive: true, force: true });
  }, 300_000);
});
