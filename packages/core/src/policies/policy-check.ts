import crypto from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { chunks, type PreparedReader } from '../db/index.ts';
import type { Capability } from '../guard/index.ts';
import { ServiceError } from '../util/errors.ts';
import type { EffectivePolicy } from './index.ts';
import type { PolicyPlacement } from './policy-placement.ts';
import type { PolicyRecords } from './policy-records.ts';
import type { PlatformName } from '../platform.ts';
import { normalizeSettings, refusalReason, type PolicySettings } from './settings.ts';

type CheckRow = { id: string; name: string; platform_name: string; settings: string };

/** The response guard's check, and the effective policy of hosts as the device model reports it. */
export class PolicyCheck {
  /** The guard's query, compiled once: it runs before every command. */
  private readonly checkQuery: string;
  /**
   * The check reads through its own connections with the statement prepared once: Kysely
   * prepares (SQLite) or plans (PostgreSQL) per call, which costs several times the lookup.
   * SQLite: a read-only connection (a WAL reader sees every committed change and never another
   * request's open transaction). PostgreSQL: a small pool running a named statement.
   */
  private readonly reader?: PreparedReader<CheckRow>;
  /** Parsed settings by their stored text: content-keyed, so never stale. */
  private readonly parsed = new Map<string, PolicySettings>();

  constructor(
    private readonly records: PolicyRecords,
    private readonly placement: PolicyPlacement,
  ) {
    this.checkQuery = `select p.id, p.name, p.platform_name, p.settings
      from hosts_effective_policy e
      join response_policy_sets s on s.id = e.set_id
      join response_policies p on p.id = s.policy_id
      where e.device_id = ${records.adapter.placeholder(1)}`;
    this.reader = records.adapter.preparedReader<CheckRow>('riposte_response_policy_check', this.checkQuery);
  }

  /** Release the check's connections (before the store closes). */
  async close(): Promise<void> {
    await this.reader?.close();
  }

  /**
   * Registered with the response guard. One indexed read per call, no cache: a change made on
   * any replica decides the next command everywhere.
   */
  async check(deviceId: string, capability: Capability): Promise<void> {
    let row = await this.effectiveRow(deviceId);
    if (!row) {
      await this.placement.placeHosts([deviceId]);
      row = await this.effectiveRow(deviceId);
      if (!row) return; // no such host: whoever asked reports that
    }
    const refusal = this.refusalFor(row, capability);
    if (refusal) throw refusal;
  }

  /**
   * The check for a fan-out (registered as the guard's bulk check): one read per 500 hosts.
   * Answers the refusal of each host that may not; unknown hosts are left to the caller.
   */
  async checkMany(deviceIds: readonly string[], capability: Capability): Promise<Map<string, ServiceError>> {
    const unique = [...new Set(deviceIds)];
    const rows = await this.effectiveRows(unique);
    const unplaced = unique.filter((id) => !rows.has(id));
    if (unplaced.length) {
      const known = await this.existing(unplaced);
      if (known.length) {
        await this.placement.placeHosts(known);
        for (const [id, row] of await this.effectiveRows(known)) rows.set(id, row);
      }
    }
    // Hosts under the same policy share its row, and so its answer.
    const byPolicy = new Map<CheckRow, ServiceError | undefined>();
    const out = new Map<string, ServiceError>();
    for (const [id, row] of rows) {
      if (!byPolicy.has(row)) byPolicy.set(row, this.refusalFor(row, capability));
      const refusal = byPolicy.get(row);
      if (refusal) out.set(id, refusal);
    }
    return out;
  }

  private refusalFor(row: CheckRow, capability: Capability): ServiceError | undefined {
    const platform = row.platform_name as PlatformName;
    const refusal = refusalReason(platform, this.settingsOf(platform, row.settings), capability);
    if (!refusal) return undefined;
    return new ServiceError('forbidden_by_policy', `response policy "${row.name}" (id ${row.id}) ${refusal.why} on this host`, {
      policy_id: row.id,
      setting: refusal.setting,
    });
  }

  /**
   * Each host's policy, with the settings text read once per policy rather than once per host:
   * read per host, 10,000 hosts under a few policies would copy (and key a cache by) the same
   * settings 10,000 times.
   */
  private async effectiveRows(deviceIds: readonly string[]): Promise<Map<string, CheckRow>> {
    const placed: { device_id: string; id: string }[] = [];
    for (const chunk of chunks(deviceIds)) {
      placed.push(
        ...(await this.records.db
          .selectFrom('hosts_effective_policy as e')
          .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
          .select(['e.device_id', 's.policy_id as id'])
          .where('e.device_id', 'in', chunk)
          .execute()),
      );
    }
    const policies = new Map<string, CheckRow>();
    const ids = [...new Set(placed.map((r) => r.id))];
    for (const chunk of chunks(ids)) {
      const rows = await this.records.db.selectFrom('response_policies').select(['id', 'name', 'platform_name', 'settings']).where('id', 'in', chunk).execute();
      for (const r of rows) policies.set(r.id, r);
    }
    const out = new Map<string, CheckRow>();
    for (const { device_id, id } of placed) {
      const policy = policies.get(id);
      if (policy) out.set(device_id, policy);
    }
    return out;
  }

  private async existing(deviceIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const chunk of chunks(deviceIds)) {
      out.push(...(await this.records.db.selectFrom('hosts').select('device_id').where('device_id', 'in', chunk).execute()).map((r) => r.device_id));
    }
    return out;
  }

  private async effectiveRow(deviceId: string): Promise<CheckRow | undefined> {
    if (this.reader) return await this.reader.get(deviceId);
    const r = await this.records.db.executeQuery<CheckRow>(CompiledQuery.raw(this.checkQuery, [deviceId]));
    return r.rows[0];
  }

  private settingsOf(platform: PlatformName, text: string): PolicySettings {
    const key = `${platform}|${text}`;
    let s = this.parsed.get(key);
    if (!s) {
      if (this.parsed.size >= 1000) this.parsed.clear();
      this.parsed.set(key, (s = normalizeSettings(platform, JSON.parse(text))));
    }
    return s;
  }

  /**
   * What identifies each host's effective policy as rendered (its id and last modification), without
   * reading settings: cheap enough to check on every device read.
   */
  async effectiveStamps(deviceIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(deviceIds)];
    for (const chunk of chunks(unique)) {
      const rows = await this.records.db
        .selectFrom('hosts_effective_policy as e')
        .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
        .innerJoin('response_policies as p', 'p.id', 's.policy_id')
        .select(['e.device_id', 'p.id', 'p.modified_timestamp'])
        .where('e.device_id', 'in', chunk)
        .execute();
      for (const r of rows) out.set(r.device_id, `${r.id}|${r.modified_timestamp}`);
    }
    return out;
  }

  /** The effective policy of each host that exists (batched: one query per 500 hosts). */
  async effective(deviceIds: readonly string[]): Promise<Map<string, EffectivePolicy>> {
    const out = new Map<string, EffectivePolicy>();
    const unique = [...new Set(deviceIds)];
    const hashes = new Map<string, string>();
    const hashOf = (settings: string) => {
      let h = hashes.get(settings);
      if (!h) hashes.set(settings, (h = crypto.createHash('sha256').update(settings).digest('hex').slice(0, 8)));
      return h;
    };
    for (const chunk of chunks(unique)) {
      const rows = await this.records.db
        .selectFrom('hosts_effective_policy as e')
        .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
        .innerJoin('response_policies as p', 'p.id', 's.policy_id')
        .select(['e.device_id', 'p.id', 'p.name', 'p.platform_name', 'p.is_default', 'p.settings', 'p.modified_timestamp'])
        .where('e.device_id', 'in', chunk)
        .execute();
      for (const r of rows) {
        out.set(r.device_id, {
          device_id: r.device_id,
          policy_id: r.id,
          policy_name: r.name,
          platform_name: r.platform_name,
          is_default: r.is_default === 1,
          settings_hash: hashOf(r.settings),
          modified_timestamp: r.modified_timestamp,
          real_time_functionality: this.settingsOf(r.platform_name as PlatformName, r.settings).RealTimeFunctionality === true,
        });
      }
    }
    return out;
  }
}
