// Enrolling the hosts of a fleet that have no identity yet: bounded, retried, saved as it goes.

import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Inventory } from '../../commands/index.ts';
import { postJson, type AgentIdentity, httpsAgent, type AgentTls } from '../../transport/index.ts';
import { SimulatedExecutor } from '../simulated-executor.ts';
import { FleetIdentities, fleetIdentityKey } from './identities.ts';
import { DEFAULT_FLEET_CONCURRENCY, DEFAULT_FLEET_SEED, type FleetIdentityOptions, type FleetLog } from './options.ts';
import { bounded, fleetPlatformAt, indexes, sliceOf } from './slices.ts';

/** A refusal that retrying cannot fix (wrong enrollment token, bad request). */
class EnrollRefused extends Error {}

/**
 * Every host of the slice that has no identity yet is enrolled (bounded concurrency; 429s are
 * waited out, network failures retried), and the identities file is kept current as it goes.
 * Answers the identities of the whole slice, by index.
 */
export async function enrollFleet(opts: FleetIdentityOptions, store = new FleetIdentities(opts.stateDir)): Promise<Map<number, AgentIdentity>> {
  const platform = opts.platform ?? 'mixed';
  const seed = opts.seed ?? DEFAULT_FLEET_SEED;
  const slice = sliceOf(opts);
  const out = new Map<number, AgentIdentity>();
  const missing: number[] = [];
  for (const i of indexes(slice)) {
    const id = store.get(fleetIdentityKey(seed, fleetPlatformAt(platform, i), i));
    if (id) out.set(i, { ...id, server_url: opts.serverUrl });
    else missing.push(i);
  }
  if (missing.length === 0) return out;
  if (!opts.enrollToken) throw new Error(`${missing.length} simulated hosts have no identity${store.file ? ` in ${store.file}` : ''} and no enrollment token was given`);

  const enroller = new Enroller(opts.serverUrl, opts.enrollToken, opts.spreadLoopback ?? true, opts.log, opts.tls);
  let done = 0;
  let lastSave = Date.now();
  opts.onProgress?.({ phase: 'enroll', done, total: missing.length });
  try {
    await bounded(missing, opts.concurrency ?? DEFAULT_FLEET_CONCURRENCY, async (i) => {
      const p = fleetPlatformAt(platform, i);
      const executor = new SimulatedExecutor({ seed, platform: p, index: i, agentVersion: opts.agentVersion });
      const inventory = await executor.inventory();
      executor.dispose();
      const id = await enroller.enroll(i, inventory);
      store.set(fleetIdentityKey(seed, p, i), id);
      out.set(i, { ...id, server_url: opts.serverUrl });
      done++;
      opts.onProgress?.({ phase: 'enroll', done, total: missing.length });
      // Saved as it goes: hosts enrolled before a crash are not enrolled again on the next run.
      if (Date.now() - lastSave > 2000) {
        store.save();
        lastSave = Date.now();
      }
    });
  } finally {
    store.save();
    enroller.close();
  }
  return out;
}

/** POST /agent/v1/enroll over keep-alive connections, optionally from per-host loopback addresses. */
class Enroller {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private spread: boolean;

  constructor(
    serverUrl: string,
    private readonly token: string,
    spreadLoopback: boolean,
    private readonly log?: FleetLog,
    tls?: AgentTls,
  ) {
    this.url = new URL('/agent/v1/enroll', serverUrl);
    if (this.url.protocol === 'ws:' || this.url.protocol === 'wss:') this.url.protocol = this.url.protocol === 'wss:' ? 'https:' : 'http:';
    this.agent = this.url.protocol === 'https:' ? httpsAgent(tls) : new http.Agent({ keepAlive: true });
    const host = this.url.hostname;
    this.spread = spreadLoopback && process.platform === 'linux' && net.isIPv4(host) && host.startsWith('127.');
  }

  close(): void {
    this.agent.destroy();
  }

  /** Hosts share a source address in groups of 32, so keep-alive connections get reused. */
  private sourceFor(index: number): string | undefined {
    if (!this.spread) return undefined;
    const group = Math.floor(index / 32);
    return `127.${1 + ((group >> 16) & 0x7f)}.${(group >> 8) & 0xff}.${group & 0xff}`;
  }

  async enroll(index: number, inventory: Inventory): Promise<{ device_id: string; agent_secret: string }> {
    const body = JSON.stringify({ enroll_token: this.token, inventory });
    for (let attempt = 0; ; attempt++) {
      let res: { status: number; headers: http.IncomingHttpHeaders; text: string };
      try {
        res = await this.post(body, this.sourceFor(index));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (this.spread && (code === 'EADDRNOTAVAIL' || code === 'EINVAL')) {
          this.log?.('warn', `cannot enroll from loopback address ${this.sourceFor(index)} (${code}); using the default address`);
          this.spread = false;
          continue;
        }
        if (attempt >= 8) throw new Error(`enrollment of simulated host ${index} failed: ${(err as Error).message}`);
        await sleep(Math.min(10_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2));
        continue;
      }
      if (res.status === 201) {
        const parsed = JSON.parse(res.text) as { device_id: string; agent_secret: string };
        return { device_id: parsed.device_id, agent_secret: parsed.agent_secret };
      }
      if (res.status === 429 || res.status >= 500) {
        if (attempt >= 30) throw new Error(`enrollment of simulated host ${index} failed: server answered ${res.status}`);
        const retryAfter = Number(res.headers['retry-after']);
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(10_000, 250 * 2 ** attempt);
        if (res.status === 429 && attempt === 0) this.log?.('warn', `the server is rate-limiting enrollment; waiting ${Math.round(wait / 1000)} s`);
        await sleep(wait * (0.5 + Math.random() / 2));
        continue;
      }
      let message = res.text;
      try {
        const parsed = JSON.parse(res.text);
        message = parsed.error?.message ?? parsed.errors?.[0]?.message ?? res.text;
      } catch {}
      throw new EnrollRefused(`enrollment refused (${res.status}): ${message}`);
    }
  }

  private post(body: string, localAddress: string | undefined): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    return postJson(new URL(this.url), body, { agent: this.agent, localAddress, timeoutMs: 30_000 });
  }
}
