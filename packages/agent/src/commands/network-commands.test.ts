import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runner, tempDir } from './test-support.ts';

const r = runner(tempDir());
const myName = fs.readFileSync('/proc/self/comm', 'utf8').trim();

describe('netstat', () => {
  const server = net.createServer();
  const server6 = net.createServer();
  const udp = dgram.createSocket('udp4');
  let has6 = true;
  let client: net.Socket;

  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    server6.on('error', () => (has6 = false));
    server6.listen(0, '::1');
    await Promise.race([once(server6, 'listening'), once(server6, 'error')]).catch(() => {});
  });
  afterAll(() => {
    client.destroy();
    server.close();
    server6.close();
    udp.close();
  });

  it('sees our listening socket, the connection, and a UDP socket, with owner pid', async () => {
    const { connections } = await r.ok('netstat');
    const port = (server.address() as net.AddressInfo).port;
    expect(connections).toContainEqual({
      protocol: 'tcp', local_address: '127.0.0.1', local_port: port, remote_address: '0.0.0.0', remote_port: 0,
      state: 'LISTEN', pid: process.pid, process_name: myName,
    });
    expect(connections).toContainEqual(expect.objectContaining({
      protocol: 'tcp', local_port: client.localPort, remote_address: '127.0.0.1', remote_port: port, state: 'ESTABLISHED', pid: process.pid,
    }));
    expect(connections).toContainEqual(expect.objectContaining({
      protocol: 'udp', local_address: '127.0.0.1', local_port: udp.address().port, state: '', pid: process.pid,
    }));
  });

  it('decodes IPv6 addresses', async (ctx) => {
    if (!has6) return ctx.skip();
    const { connections } = await r.ok('netstat');
    expect(connections).toContainEqual(expect.objectContaining({
      protocol: 'tcp6', local_address: '::1', local_port: (server6.address() as net.AddressInfo).port, remote_address: '::', state: 'LISTEN', pid: process.pid,
    }));
  });
});

describe('ipconfig', () => {
  it('lists interfaces with addresses, DNS servers and the default gateway', async () => {
    const data = await r.ok('ipconfig');
    const lo = data.interfaces.find((i: any) => i.name === 'lo');
    expect(lo).toBeDefined();
    expect(lo.addresses).toContainEqual({ family: 'IPv4', address: '127.0.0.1', netmask: '255.0.0.0', cidr: '127.0.0.1/8' });
    const resolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
    expect(data.dns_servers).toEqual([...resolv.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]));
    const route = fs.readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)
      .map((l) => l.trim().split(/\s+/))
      .find((f) => f[1] === '00000000' && parseInt(f[3], 16) & 2);
    // little-endian hex, e.g. 0102A8C0 → 192.168.2.1
    expect(data.default_gateway).toBe(route ? Buffer.from(route[2], 'hex').reverse().join('.') : '');
  });
});
