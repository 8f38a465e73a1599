/**
 * Network commands. Result `data` shapes:
 *   netstat   { connections: Connection[] }
 *     Connection { protocol: 'tcp'|'tcp6'|'udp'|'udp6', local_address, local_port, remote_address,
 *                  remote_port, state, pid: number|null, process_name }
 *     state is the TCP state name (LISTEN, ESTABLISHED, TIME_WAIT, …); for UDP it is '' unless the
 *     socket is connected (ESTABLISHED). pid is null (process_name '') when no readable process
 *     holds the socket (e.g. TIME_WAIT, or another user's process without privilege).
 *   ipconfig  { interfaces: [{ name, mac, addresses: [{ family: 'IPv4'|'IPv6', address, netmask, cidr }] }],
 *               dns_servers: string[], default_gateway: string ('' when unknown) }
 */
import dns from 'node:dns';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import type { CommandContext, Handler } from './context.ts';
import { powershellRows, runTool } from './exec.ts';
import { listPids, readProcFile } from './procfs.ts';

type Protocol = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export interface Connection {
  protocol: Protocol;
  local_address: string;
  local_port: number;
  remote_address: string;
  remote_port: number;
  state: string;
  pid: number | null;
  process_name: string;
}

export const netstat: Handler<'netstat'> = async (_args, ctx) => {
  const connections =
    ctx.platform === 'linux' ? await linuxConnections() : ctx.platform === 'mac' ? await macConnections(ctx) : await windowsConnections(ctx);
  return { data: { connections } };
};

export const ipconfig: Handler<'ipconfig'> = async () => {
  const interfaces = Object.entries(os.networkInterfaces()).map(([name, addrs = []]) => ({
    name,
    mac: addrs[0]?.mac ?? '',
    addresses: addrs.map((a) => ({ family: a.family, address: a.address, netmask: a.netmask, cidr: a.cidr ?? '' })),
  }));
  return { data: { interfaces, dns_servers: await dnsServers(), default_gateway: await defaultGateway() } };
};

// --- Linux: /proc/net ---------------------------------------------------------------------------

const TCP_STATES = [
  '', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT',
  'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
];

async function linuxConnections(): Promise<Connection[]> {
  const owners = await socketOwners();
  const names = new Map<number, string>();
  const connections: Connection[] = [];
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const table = await fs.readFile(`/proc/net/${protocol}`, 'utf8').catch(() => ''); // no IPv6: no file
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [localAddress, localPort] = decodeEndpoint(f[1]);
      const [remoteAddress, remotePort] = decodeEndpoint(f[2]);
      const stateNo = parseInt(f[3], 16);
      const state = protocol.startsWith('tcp') ? (TCP_STATES[stateNo] ?? '') : stateNo === 1 ? 'ESTABLISHED' : '';
      const pid = owners.get(f[9]) ?? null;
      if (pid !== null && !names.has(pid)) names.set(pid, ((await readProcFile(pid, 'comm')) ?? '').trim());
      connections.push({
        protocol,
        local_address: localAddress,
        local_port: localPort,
        remote_address: remoteAddress,
        remote_port: remotePort,
        state,
        pid,
        process_name: pid === null ? '' : (names.get(pid) ?? ''),
      });
    }
  }
  return connections;
}

/**
 * /proc/net prints addresses as 32-bit words in host byte order, e.g. `0100007F:1F90` is
 * 127.0.0.1:8080 on little-endian machines.
 */
function decodeEndpoint(hex: string): [string, number] {
  const [addrHex, portHex] = hex.split(':');
  const bytes = Buffer.from(addrHex, 'hex');
  if (os.endianness() === 'LE') bytes.swap32();
  const port = parseInt(portHex, 16);
  if (bytes.length === 4) return [bytes.join('.'), port];
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  // SocketAddress prints the canonical (compressed, IPv4-mapped aware) form.
  return [new net.SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address, port];
}

/** Socket inode → owning pid, from the `socket:[inode]` links in /proc/PID/fd. */
async function socketOwners(): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  for (const pid of await listPids()) {
    const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    const links = await Promise.all(fds.map((fd) => fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    for (const link of links) {
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && !owners.has(m[1])) owners.set(m[1], pid);
    }
  }
  return owners;
}

// --- macOS: lsof; Windows: PowerShell (untested here) -------------------------------------------

async function macConnections(ctx: CommandContext): Promise<Connection[]> {
  const out = await runTool('lsof', ['-nP', '-i'], ctx);
  const rows: Connection[] = [];
  for (const line of out.split('\n').slice(1)) {
    // COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME [(STATE)]
    const f = line.trim().split(/\s+/);
    if (f.length < 9) continue;
    const proto = f[7].toLowerCase();
    if (proto !== 'tcp' && proto !== 'udp') continue;
    const [local, remote = '*:0'] = f[8].split('->');
    const [la, lp] = splitHostPort(local);
    const [ra, rp] = splitHostPort(remote);
    rows.push({
      protocol: (f[4] === 'IPv6' ? `${proto}6` : proto) as Protocol,
      local_address: la,
      local_port: lp,
      remote_address: ra,
      remote_port: rp,
      state: f[9]?.replace(/[()]/g, '') ?? '',
      pid: Number(f[1]),
      process_name: f[0],
    });
  }
  return rows;
}

function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  const host = s.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(s.slice(i + 1));
  return [host === '*' ? '0.0.0.0' : host, Number.isFinite(port) ? port : 0];
}

async function windowsConnections(ctx: CommandContext): Promise<Connection[]> {
  interface Row { p: string; la: string; lp: number; ra: string; rp: number; st: string; pid: number; pn: string }
  const rows = await powershellRows<Row>(
    `$n = @{}; Get-Process | ForEach-Object { $n[$_.Id] = $_.ProcessName }; ` +
      `@(Get-NetTCPConnection | ForEach-Object { [pscustomobject]@{ p = 'tcp'; la = $_.LocalAddress; lp = $_.LocalPort; ra = $_.RemoteAddress; rp = $_.RemotePort; st = "$($_.State)"; pid = $_.OwningProcess; pn = $n[[int]$_.OwningProcess] } }) + ` +
      `@(Get-NetUDPEndpoint | ForEach-Object { [pscustomobject]@{ p = 'udp'; la = $_.LocalAddress; lp = $_.LocalPort; ra = ''; rp = 0; st = ''; pid = $_.OwningProcess; pn = $n[[int]$_.OwningProcess] } }) | ConvertTo-Json -Compress`,
    ctx,
  );
  return rows.map((r) => ({
    protocol: (r.la.includes(':') ? `${r.p}6` : r.p) as Protocol,
    local_address: r.la,
    local_port: r.lp,
    remote_address: r.ra,
    remote_port: r.rp,
    state: r.st.toUpperCase(),
    pid: r.pid,
    process_name: r.pn ?? '',
  }));
}

// --- ipconfig helpers -----------------------------------------------------------------------------

async function dnsServers(): Promise<string[]> {
  const conf = await fs.readFile('/etc/resolv.conf', 'utf8').catch(() => null);
  if (conf === null) return dns.getServers(); // Windows: c-ares reads the system configuration
  return [...conf.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]);
}

/** The gateway of the default route from /proc/net/route (Linux only; '' elsewhere or without one). */
async function defaultGateway(): Promise<string> {
  const table = await fs.readFile('/proc/net/route', 'utf8').catch(() => '');
  for (const line of table.split('\n').slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/);
    const RTF_GATEWAY = 0x2;
    if (destination === '00000000' && gateway && parseInt(flags, 16) & RTF_GATEWAY) {
      return decodeEndpoint(`${gateway}:0`)[0];
    }
  }
  return '';
}
