/** Network results as text: `netstat` as a connection table, `ipconfig` per interface. */
import { list, num, str, strings, table, type Data } from './text.ts';

export function renderNetstat(data: Data): string {
  const endpoint = (addr: unknown, port: unknown) => {
    const a = str(addr);
    return `${a.includes(':') ? `[${a}]` : a}:${num(port)}`;
  };
  const rows = list(data.connections).map((c) => [
    str(c.protocol).toUpperCase(),
    endpoint(c.local_address, c.local_port),
    endpoint(c.remote_address, c.remote_port),
    str(c.state),
    c.pid === null || c.pid === undefined ? '' : String(num(c.pid)),
    str(c.process_name),
  ]);
  return table(['Proto', 'Local Address', 'Foreign Address', 'State', 'PID', 'Process'], rows);
}

export function renderIpconfig(data: Data): string {
  const lines: string[] = [];
  for (const i of list(data.interfaces)) {
    lines.push(`${str(i.name)}:`);
    if (str(i.mac)) lines.push(`   Physical Address . . . : ${str(i.mac)}`);
    for (const a of list(i.addresses)) {
      const label = a.family === 'IPv6' ? 'IPv6 Address . . . . . ' : 'IPv4 Address . . . . . ';
      lines.push(`   ${label}: ${str(a.address)}`);
      if (str(a.netmask)) lines.push(`   Subnet Mask  . . . . . : ${str(a.netmask)}`);
    }
    lines.push('');
  }
  const dns = strings(data.dns_servers);
  if (str(data.default_gateway)) lines.push(`Default Gateway . . . . : ${str(data.default_gateway)}`);
  if (dns.length) lines.push(`DNS Servers . . . . . . : ${dns.join(', ')}`);
  return lines.join('\n') + '\n';
}
