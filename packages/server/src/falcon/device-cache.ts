import type { Core } from '@riposte/core';
import { toFalconDevice } from './device-model.ts';

/**
 * Hosts rendered as Falcon device JSON, kept while they do not change. Materialising a host row
 * (~40 columns) costs far more than reading its revision, and device details are read much more
 * often than hosts change. A rendering is reused only while the host's revision and last_seen
 * are what they were when it was made, so every replica serves current data.
 */
export class DeviceRenderCache {
  private readonly entries = new Map<string, { stamp: string; json: string }>();

  constructor(
    private readonly core: Core,
    private readonly maxEntries = 50_000,
  ) {}

  /** JSON text of each host that exists, in the order asked (duplicates dropped). */
  async render(ids: readonly string[]): Promise<{ ids: string[]; json: string[] }> {
    const stamps = await this.core.hosts.stamps(ids);
    // The effective response policy is rendered too (device_policies.remote_response); it changes
    // without touching the host row, so it is part of the stamp.
    for (const [id, p] of await this.core.responsePolicies.effectiveStamps(ids)) if (stamps.has(id)) stamps.set(id, `${stamps.get(id)}|${p}`);
    const unique = [...new Set(ids)].filter((id) => stamps.has(id));
    const stale = unique.filter((id) => this.entries.get(id)?.stamp !== stamps.get(id));
    if (stale.length) {
      const policies = await this.core.responsePolicies.effective(stale);
      for (const host of await this.core.hosts.getMany(stale)) {
        // The stamp read first: if the host changed in between, the next read sees a newer stamp and rebuilds.
        this.remember(host.device_id, stamps.get(host.device_id)!, JSON.stringify(toFalconDevice(host, this.core.cid, policies.get(host.device_id))));
      }
    }
    const out = { ids: [] as string[], json: [] as string[] };
    for (const id of unique) {
      const e = this.entries.get(id);
      if (!e) continue; // deleted between the two reads
      out.ids.push(id);
      out.json.push(e.json);
    }
    return out;
  }

  private remember(id: string, stamp: string, json: string): void {
    this.entries.delete(id);
    this.entries.set(id, { stamp, json });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
