import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { nowIso } from '../util/ids.ts';
import { AuthEventStore } from './auth-events.ts';
import { upsertEndpoints, upsertGroups, upsertUsers, type DirectorySource } from './directory.ts';
import type { PolicyRuleService } from './rules.ts';
import type { IdentityBlock, IdentityReport, SensorHost } from './types.ts';
import type { IdentityIncidents } from './incidents.ts';
import type { RiskRefresher } from './refresh.ts';

/**
 * Stores what an identity sensor reports: its directory (users, groups, endpoints) and its
 * authentications. Every authentication is evaluated against the enabled policy rules as it is
 * stored; matches go on the timeline, enforcing BLOCK matches raise an incident and are returned
 * so the gateway tells the sensor to refuse them. Bursts of failures from one source raise a
 * password-spraying incident. Risk of the users concerned is recomputed.
 */
export class IdentityIngest {
  private readonly events: AuthEventStore;

  constructor(
    private readonly db: Kysely<Database>,
    rules: PolicyRuleService,
    incidents: IdentityIncidents,
    private readonly risk: RiskRefresher,
  ) {
    this.events = new AuthEventStore(db, rules, incidents);
  }

  async ingest(host: SensorHost, report: IdentityReport): Promise<IdentityBlock[]> {
    const domain = report.domain.toUpperCase();
    const now = nowIso();
    await this.touchSensor(host, report, now);
    const touched = new Set<string>();
    const src: DirectorySource = { domain, host, now, dataSource: report.kind === 'DOMAIN_CONTROLLER' ? 'ACTIVE_DIRECTORY' : 'LOCAL' };
    if (report.groups?.length) await upsertGroups(this.db, domain, report.groups);
    if (report.users?.length) for (const id of await upsertUsers(this.db, src, report.users)) touched.add(id);
    if (report.endpoints?.length) await upsertEndpoints(this.db, src, report.endpoints);
    let blocks: IdentityBlock[] = [];
    if (report.events?.length) {
      const out = await this.events.store(host, domain, report.events);
      for (const id of out.users) touched.add(id);
      blocks = out.blocks;
    }
    await this.risk.refresh([...touched]);
    return blocks;
  }

  private async touchSensor(host: SensorHost, report: IdentityReport, now: string): Promise<void> {
    const users = report.users?.length ?? 0;
    const events = report.events?.length ?? 0;
    const row = {
      device_id: host.device_id,
      hostname: host.hostname,
      local_ip: host.local_ip,
      machine_domain: report.kind === 'DOMAIN_CONTROLLER' ? report.domain.toUpperCase() : host.machine_domain,
      os_version: host.os_version,
      platform_name: host.platform_name,
      agent_version: host.agent_version,
      sensor_kind: report.kind,
      status: 'PROTECTED',
      first_seen: now,
      heartbeat_time: now,
      users_reported: users,
      events_reported: events,
    };
    await this.db
      .insertInto('identity_sensors')
      .values(row)
      .onConflict((oc) =>
        oc.column('device_id').doUpdateSet((eb) => ({
          hostname: row.hostname,
          local_ip: row.local_ip,
          machine_domain: row.machine_domain,
          os_version: row.os_version,
          agent_version: row.agent_version,
          sensor_kind: row.sensor_kind,
          status: 'PROTECTED',
          heartbeat_time: now,
          users_reported: eb('identity_sensors.users_reported', '+', users),
          events_reported: eb('identity_sensors.events_reported', '+', events),
        })),
      )
      .execute();
  }

}
