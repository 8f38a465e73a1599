import { execFile } from 'node:child_process';
import net from 'node:net';

/** The one table the agent owns; everything else in the ruleset is left alone. */
export const CONTAINMENT_TABLE = 'riposte_containment';

/** What a contained host may still reach. */
export interface ContainmentRules {
  /** The server's addresses (resolved at containment time) and port: the agent's own connection. */
  server: { addresses: string[]; port: number };
  /** Administrators' allow-list: CIDR blocks reachable in both directions. */
  allow: string[];
}

/**
 * An nftables script that replaces the containment table in one transaction: drop everything
 * in and out except loopback, the server connection, the allow-list and IPv6 neighbour
 * discovery (without which no IPv6 address is reachable at all). ARP is another family and passes.
 */
export function containmentScript(rules: ContainmentRules): string {
  const v4 = (list: string[]) => list.filter((a) => net.isIPv4(a.split('/')[0]));
  const v6 = (list: string[]) => list.filter((a) => net.isIPv6(a.split('/')[0]));
  const set = (list: string[]) => `{ ${list.join(', ')} }`;
  const chain = (name: 'input' | 'output') => {
    const [peer, local, iface] = name === 'input' ? ['saddr', 'sport', 'iif'] : ['daddr', 'dport', 'oif'];
    const lines = [`    type filter hook ${name} priority -100; policy drop;`, `    ${iface} "lo" accept`];
    const servers4 = v4(rules.server.addresses);
    const servers6 = v6(rules.server.addresses);
    if (servers4.length) lines.push(`    ip ${peer} ${set(servers4)} tcp ${local} ${rules.server.port} accept`);
    if (servers6.length) lines.push(`    ip6 ${peer} ${set(servers6)} tcp ${local} ${rules.server.port} accept`);
    if (v4(rules.allow).length) lines.push(`    ip ${peer} ${set(v4(rules.allow))} accept`);
    if (v6(rules.allow).length) lines.push(`    ip6 ${peer} ${set(v6(rules.allow))} accept`);
    lines.push('    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept');
    return [`  chain ${name} {`, ...lines, '  }'].join('\n');
  };
  return [
    // Declaring then deleting makes the delete succeed whether or not the table existed.
    `table inet ${CONTAINMENT_TABLE}`,
    `delete table inet ${CONTAINMENT_TABLE}`,
    `table inet ${CONTAINMENT_TABLE} {`,
    chain('input'),
    chain('output'),
    '}',
    '',
  ].join('\n');
}

/** Runs `nft` with a script on stdin; rejects with nft's own words (or "not installed"). */
export function runNft(args: string[], input = '', nft = process.env.RIPOSTE_NFT ?? 'nft'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(nft, args, { timeout: 15_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new Error('nftables is not installed (no nft command): the host cannot be contained'));
      reject(new Error(`nft failed: ${(stderr || err.message).trim().slice(0, 900)}`));
    });
    child.stdin?.on('error', () => {}); // nft may exit before reading (--version, a bad option)
    child.stdin?.end(input);
  });
}

/** Whether the `nft` command is there at all (its version needs no privilege). */
export async function nftInstalled(): Promise<boolean> {
  return runNft(['--version']).then(
    () => true,
    (err: Error) => !/not installed/.test(err.message),
  );
}

export async function applyContainment(rules: ContainmentRules): Promise<void> {
  await runNft(['-f', '-'], containmentScript(rules));
}

export async function removeContainment(): Promise<void> {
  await runNft(['-f', '-'], `table inet ${CONTAINMENT_TABLE}\ndelete table inet ${CONTAINMENT_TABLE}\n`);
}
