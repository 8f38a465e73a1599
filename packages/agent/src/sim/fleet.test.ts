import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enrollFleet, FleetIdentities, fleetIdentityKey, fleetPlatformAt, splitFleet } from './fleet.ts';

describe('fleet layout', () => {
  it('a mixed fleet cycles Windows, Linux, Mac; a single-platform fleet is that platform', () => {
    expect([0, 1, 2, 3, 4].map((i) => fleetPlatformAt('mixed', i))).toEqual(['windows', 'linux', 'mac', 'windows', 'linux']);
    expect(fleetPlatformAt('mac', 7)).toBe('mac');
  });

  it('slices cover the fleet once, contiguously, in nearly equal parts', () => {
    expect(splitFleet(10, 3)).toEqual([{ first: 0, end: 3 }, { first: 3, end: 6 }, { first: 6, end: 10 }]);
    expect(splitFleet(2, 5)).toEqual([{ first: 0, end: 1 }, { first: 1, end: 2 }]);
    const slices = splitFleet(15_000, 4);
    expect(slices.map((s) => s.end - s.first)).toEqual([3750, 3750, 3750, 3750]);
  });
});

describe('identities file', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-fleet-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('round-trips through the state directory, private to the user', () => {
    const dir = tmp();
    const a = new FleetIdentities(dir);
    expect(a.size).toBe(0);
    a.set(fleetIdentityKey('s', 'linux', 4), { device_id: 'd'.repeat(32), agent_secret: 'secret' });
    a.save();
    const b = new FleetIdentities(dir);
    expect(b.get('s/linux/4')).toEqual({ device_id: 'd'.repeat(32), agent_secret: 'secret' });
    expect(fs.statSync(path.join(dir, 'identities.json')).mode & 0o077).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['identities.json']);
  });

  it('refuses a file that is not an identities file', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'identities.json'), '{"something":"else"}');
    expect(() => new FleetIdentities(dir)).toThrow(/not a riposte identities file/);
  });
});

describe('enrollFleet against a stand-in enrollment endpoint', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  async function endpoint(answer: (n: number, body: any) => { status: number; headers?: Record<string, string>; body: unknown }) {
    const seen: { from: string; body: any }[] = [];
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const body = JSON.parse(text);
        seen.push({ from: req.socket.remoteAddress ?? '', body });
        const a = answer(seen.length, body);
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('enrolls each missing host once with its simulated inventory, waits out a 429, and spreads loopback source addresses', async () => {
    const { url, seen } = await endpoint((n, body) =>
      n === 2 ? { status: 429, headers: { 'retry-after': '1' }, body: {} } : { status: 201, body: { device_id: body.inventory.hostname.padEnd(32, '0').slice(0, 32), agent_secret: `s${n}` } },
    );
    const ids = await enrollFleet({ serverUrl: url, enrollToken: 'tok', count: 70, platform: 'mixed', seed: 'unit', concurrency: 8 });
    expect(ids.size).toBe(70);
    expect(seen).toHaveLength(71);
    expect(seen.every((s) => s.body.enroll_token === 'tok' && s.body.inventory.tags.includes('SimulatedHost'))).toBe(true);
    expect(new Set(seen.map((s) => s.body.inventory.hostname)).size).toBe(70);
    expect(seen.filter((s) => s.body.inventory.platform === 'windows')).toHaveLength(24);
    if (process.platform === 'linux') expect(new Set(seen.map((s) => s.from)).size).toBe(3); // groups of 32 hosts
  });

  it('stops at a refusal that retrying cannot fix and keeps what was enrolled', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-fleet-'));
    try {
      const { url } = await endpoint((n) => (n <= 3 ? { status: 201, body: { device_id: String(n).repeat(32), agent_secret: 'x' } } : { status: 401, body: { error: { message: 'invalid enrollment token' } } }));
      await expect(enrollFleet({ serverUrl: url, enrollToken: 'tok', count: 10, stateDir: dir, concurrency: 1 })).rejects.toThrow(/enrollment refused \(401\): invalid enrollment token/);
      expect(new FleetIdentities(dir).size).toBe(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
