import dns from 'node:dns/promises';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Platform } from '../commands/types.ts';
import { applyContainment, removeContainment, type ContainmentRules } from './nftables.ts';

/** A containment order from the server. */
export type ContainmentOrder = { action: 'contain'; allow: string[] } | { action: 'lift' };

const STATE_FILE = 'containment.json';

/**
 * Network containment on this machine (Linux: an nftables table). The rules in force are kept in
 * the state directory, so that a restarted agent (or host) is contained again before it connects;
 * each new order re-resolves the server's addresses.
 */
export class Containment {
  constructor(
    private readonly platform: Platform,
    private readonly stateDir?: string,
  ) {}

  async apply(order: ContainmentOrder, serverUrl: string): Promise<void> {
    if (this.platform !== 'linux') throw new Error(`network containment is not supported on ${this.platform === 'mac' ? 'macOS' : 'Windows'} agents`);
    if (order.action === 'lift') {
      await removeContainment();
      if (this.stateDir) await fs.rm(path.join(this.stateDir, STATE_FILE), { force: true });
      return;
    }
    const rules: ContainmentRules = { server: await resolveServer(serverUrl), allow: order.allow };
    await applyContainment(rules);
    if (this.stateDir) await fs.writeFile(path.join(this.stateDir, STATE_FILE), JSON.stringify(rules));
  }

  /** At start: contained before, contained again (with the addresses last resolved). */
  async restore(): Promise<boolean> {
    if (this.platform !== 'linux' || !this.stateDir) return false;
    const text = await fs.readFile(path.join(this.stateDir, STATE_FILE), 'utf8').catch(() => undefined);
    if (!text) return false;
    await applyContainment(JSON.parse(text) as ContainmentRules);
    return true;
  }

  /** Uninstall: whatever this agent applied is removed. */
  async remove(): Promise<void> {
    if (this.platform !== 'linux') return;
    await removeContainment();
    if (this.stateDir) await fs.rm(path.join(this.stateDir, STATE_FILE), { force: true });
  }
}

async function resolveServer(serverUrl: string): Promise<ContainmentRules['server']> {
  const url = new URL(serverUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80));
  const addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  if (!addresses.length) throw new Error(`cannot resolve the server ${host}: containment would cut the agent off`);
  return { addresses, port };
}
