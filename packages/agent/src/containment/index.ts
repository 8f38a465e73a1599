/**
 * Network containment of this host: `Containment` applies and lifts the server's
 * `ContainmentOrder` with the host firewall (nftables.ts, or iptables.ts where nftables is
 * missing) and keeps the rules in force across restarts.
 */
import dns from 'node:dns/promises';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Platform } from '../commands/index.ts';
import { applyContainment, nftInstalled, removeContainment, type ContainmentRules } from './nftables.ts';
import { applyIptablesContainment, iptablesInstalled, removeIptablesContainment } from './iptables.ts';

/** A containment order from the server. */
export type ContainmentOrder = { action: 'contain'; allow: string[] } | { action: 'lift' };

const STATE_FILE = 'containment.json';

type FirewallName = 'nftables' | 'iptables';

/** A way of applying the rules on Linux: nftables first, iptables where nftables is missing or fails. */
interface Firewall {
  name: FirewallName;
  /** Why it cannot be used, when its command is missing. */
  missing: string;
  installed(): Promise<boolean>;
  apply(rules: ContainmentRules): Promise<void>;
  remove(): Promise<void>;
}

const FIREWALLS: Firewall[] = [
  { name: 'nftables', missing: 'nftables is not installed (no nft command)', installed: nftInstalled, apply: applyContainment, remove: removeContainment },
  { name: 'iptables', missing: 'iptables is not installed (no iptables command)', installed: iptablesInstalled, apply: applyIptablesContainment, remove: removeIptablesContainment },
];

/** What the state directory holds while contained: the rules and the firewall that applied them. */
type ContainmentState = ContainmentRules & { firewall?: FirewallName };

/**
 * Network containment on this machine (Linux: an nftables table, or iptables chains where nftables
 * is unavailable). The rules in force are kept in the state directory, so that a restarted agent
 * (or host) is contained again before it connects; each new order re-resolves the server's addresses.
 */
export class Containment {
  constructor(
    private readonly platform: Platform,
    private readonly stateDir?: string,
  ) {}

  async apply(order: ContainmentOrder, serverUrl: string): Promise<void> {
    if (this.platform !== 'linux') throw new Error(`network containment is not supported on ${this.platform === 'mac' ? 'macOS' : 'Windows'} agents`);
    if (order.action === 'lift') return this.remove();
    const rules: ContainmentRules = { server: await resolveServer(serverUrl), allow: order.allow };
    const firewall = await applyWithFirst(rules, (await this.state())?.firewall);
    if (this.stateDir) await fs.writeFile(path.join(this.stateDir, STATE_FILE), JSON.stringify({ ...rules, firewall } satisfies ContainmentState));
  }

  /** At start: contained before, contained again (with the addresses last resolved, by the same firewall if it is there). */
  async restore(): Promise<boolean> {
    if (this.platform !== 'linux') return false;
    const state = await this.state();
    if (!state) return false;
    await applyWithFirst(state, state.firewall ?? 'nftables');
    return true;
  }

  /** Lift and uninstall: whatever this agent applied is removed. */
  async remove(): Promise<void> {
    if (this.platform !== 'linux') return;
    const used = (await this.state())?.firewall;
    for (const fw of FIREWALLS) {
      if (used ? fw.name === used : await fw.installed()) await fw.remove();
    }
    if (this.stateDir) await fs.rm(path.join(this.stateDir, STATE_FILE), { force: true });
  }

  private async state(): Promise<ContainmentState | undefined> {
    if (!this.stateDir) return undefined;
    const text = await fs.readFile(path.join(this.stateDir, STATE_FILE), 'utf8').catch(() => undefined);
    return text ? (JSON.parse(text) as ContainmentState) : undefined;
  }
}

/** Applies the rules with the first firewall that works (`preferred` first); fails with every reason. */
async function applyWithFirst(rules: ContainmentRules, preferred?: FirewallName): Promise<FirewallName> {
  const reasons: string[] = [];
  const order = [...FIREWALLS].sort((a, b) => Number(b.name === preferred) - Number(a.name === preferred));
  for (const fw of order) {
    if (!(await fw.installed())) {
      reasons.push(fw.missing);
      continue;
    }
    try {
      await fw.apply(rules);
      return fw.name;
    } catch (err) {
      reasons.push((err as Error).message);
    }
  }
  throw new Error(`${reasons.join('; ')}: the host cannot be contained`);
}

async function resolveServer(serverUrl: string): Promise<ContainmentRules['server']> {
  const url = new URL(serverUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80));
  const addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  if (!addresses.length) throw new Error(`cannot resolve the server ${host}: containment would cut the agent off`);
  return { addresses, port };
}
