import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { ContainmentRules } from './nftables.ts';

/** The agent's own chains in the filter table of each family; everything else is left alone. */
export const INPUT_CHAIN = 'RIPOSTE_CONTAIN_IN';
export const OUTPUT_CHAIN = 'RIPOSTE_CONTAIN_OUT';

type Family = 'ipv4' | 'ipv6';

/**
 * The iptables tools of one family. `RIPOSTE_IPTABLES` names the IPv4 `iptables` binary (tests
 * point it elsewhere); the others are found beside it.
 */
function tool(family: Family, restore = false): string {
  const iptables = process.env.RIPOSTE_IPTABLES ?? 'iptables';
  const base = `${family === 'ipv4' ? 'iptables' : 'ip6tables'}${restore ? '-restore' : ''}`;
  return iptables.includes('/') ? path.join(path.dirname(iptables), base) : base;
}

/**
 * An iptables-restore script (used with --noflush) that replaces the contents of the agent's two
 * chains in one commit, mirroring the nftables table: loopback, the server connection, the
 * allow-list (and for IPv6 neighbour discovery) pass; everything else drops. Passing traffic
 * RETURNs rather than ACCEPTs, so the host's own INPUT/OUTPUT rules still apply to it, as they do
 * beside the nftables table. `jumps` says which jumps from INPUT/OUTPUT are still missing.
 */
export function iptablesScript(rules: ContainmentRules, family: Family, jumps: { input: boolean; output: boolean }): string {
  const ofFamily = (list: string[]) => list.filter((a) => (family === 'ipv4' ? net.isIPv4 : net.isIPv6)(a.split('/')[0]));
  const hostBits = family === 'ipv4' ? 32 : 128;
  const cidr = (a: string) => (a.includes('/') ? a : `${a}/${hostBits}`);
  const chain = (name: typeof INPUT_CHAIN | typeof OUTPUT_CHAIN) => {
    const [peer, local, iface] = name === INPUT_CHAIN ? ['-s', '--sport', '-i'] : ['-d', '--dport', '-o'];
    const lines = [`-A ${name} ${iface} lo -j RETURN`];
    for (const a of ofFamily(rules.server.addresses)) lines.push(`-A ${name} ${peer} ${cidr(a)} -p tcp -m tcp ${local} ${rules.server.port} -j RETURN`);
    for (const a of ofFamily(rules.allow)) lines.push(`-A ${name} ${peer} ${cidr(a)} -j RETURN`);
    if (family === 'ipv6') {
      for (const type of ['neighbour-solicitation', 'neighbour-advertisement', 'router-solicitation', 'router-advertisement']) {
        lines.push(`-A ${name} -p ipv6-icmp -m icmp6 --icmpv6-type ${type} -j RETURN`);
      }
    }
    lines.push(`-A ${name} -j DROP`);
    return lines;
  };
  return [
    '*filter',
    // Declaring a chain with --noflush creates it, or empties it if it exists.
    `:${INPUT_CHAIN} - [0:0]`,
    `:${OUTPUT_CHAIN} - [0:0]`,
    ...chain(INPUT_CHAIN),
    ...chain(OUTPUT_CHAIN),
    ...(jumps.input ? [`-I INPUT 1 -j ${INPUT_CHAIN}`] : []),
    ...(jumps.output ? [`-I OUTPUT 1 -j ${OUTPUT_CHAIN}`] : []),
    'COMMIT',
    '',
  ].join('\n');
}

/** Runs an iptables tool; resolves with its exit status (0 or the tool's), rejects when it is missing. */
function run(cmd: string, args: string[], input?: string): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 15_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ status: 0, stderr });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`iptables is not installed (no ${path.basename(cmd)} command)`));
      resolve({ status: typeof err.code === 'number' ? err.code : 1, stderr: (stderr || err.message).trim() });
    });
    // A tool that exits before reading its input must not crash the agent with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

export async function iptablesInstalled(): Promise<boolean> {
  return run(tool('ipv4'), ['--version']).then(
    (r) => r.status === 0,
    () => false,
  );
}

/** Both families, IPv4 first; a host whose IPv6 could not be closed is not contained. */
export async function applyIptablesContainment(rules: ContainmentRules): Promise<void> {
  let fresh = false;
  try {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const has = async (hook: string, chain: string) => (await run(tool(family), ['-w', '-C', hook, '-j', chain])).status === 0;
      const jumps = { input: !(await has('INPUT', INPUT_CHAIN)), output: !(await has('OUTPUT', OUTPUT_CHAIN)) };
      if (family === 'ipv4') fresh = jumps.input && jumps.output;
      const r = await run(tool(family, true), ['-w', '--noflush'], iptablesScript(rules, family, jumps));
      if (r.status !== 0) throw new Error(`${path.basename(tool(family, true))} failed: ${r.stderr.slice(0, 900)}`);
    }
  } catch (err) {
    // Half a containment (IPv4 closed, IPv6 open) is not one: a new one is taken back whole. A
    // failed update of one in force leaves it in force.
    if (fresh) await removeIptablesContainment().catch(() => {});
    throw err;
  }
}

/** Jumps, then chains, in both families; what is already gone is fine. */
export async function removeIptablesContainment(): Promise<void> {
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const [hook, chain] of [['INPUT', INPUT_CHAIN], ['OUTPUT', OUTPUT_CHAIN]] as const) {
      // A jump added twice (by hand, or by two agents) is removed as many times as it is there.
      for (let i = 0; i < 10 && (await run(tool(family), ['-w', '-D', hook, '-j', chain])).status === 0; i++);
      const flushed = await run(tool(family), ['-w', '-F', chain]);
      if (flushed.status !== 0 && !/No chain|does not exist/i.test(flushed.stderr)) throw new Error(`${path.basename(tool(family))} -F ${chain} failed: ${flushed.stderr.slice(0, 900)}`);
      if (flushed.status === 0) {
        const removed = await run(tool(family), ['-w', '-X', chain]);
        if (removed.status !== 0) throw new Error(`${path.basename(tool(family))} -X ${chain} failed: ${removed.stderr.slice(0, 900)}`);
      }
    }
  }
}
