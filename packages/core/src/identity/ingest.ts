import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { nowIso, timeOrderedUuid } from '../util/ids.ts';
import { chunked } from './chunks.ts';
import { accountKey, hostKey, identityId } from './ids.ts';
import { needsGroups, ruleMatches, type PolicyRule, type PolicyRuleService } from './rules.ts';
import type { IdentityBlock, IdentityReport, SensorHost } from './types.ts';
import type { IdentityIncidents } from './incidents.ts';
import type { RiskRefresher } from './refresh.ts';

type EventRow = Database['identity_events'];
type Auth = NonNullable<IdentityReport['events']>[number];

const dataSourceOf = (r: IdentityReport) => (r.kind === 'DOMAIN_CONTROLLER' ? 'ACTIVE_DIRECTORY' : 'LOCAL');

/** Failed authentications of this many distinct accounts from one source within the window is password spraying. */
export const SPRAY_DISTINCT_USERS = 10;
export const SPRAY_WINDOW_MS = 10 * 60_000;

/**
 * Stores what an identity sensor reports: its directory (users, groups, endpoints) and its
 * authentications. Every authentication is evaluated against the enabled policy rules as it is
 * stored; matches go on the timeline, enforcing BLOCK matches raise an incident and are returned
 * so the gateway tells the sensor to refuse them. Bursts of failures from one source raise a
 * password-spraying incident. Risk of the users concerned is recomputed.
 */
export class IdentityIngest {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rules: PolicyRuleService,
    private readonly incidents: IdentityIncidents,
    private readonly risk: RiskRefresher,
  ) {}

  async ingest(host: SensorHost, report: IdentityReport): Promise<IdentityBlock[]> {
    const domain = report.domain.toUpperCase();
    const now = nowIso();
    await this.touchSensor(host, report, now);
    const touched = new Set<string>();
    if (report.groups?.length) await this.upsertGroups(domain, report.groups);
    if (report.users?.length) for (const id of await this.upsertUsers(host, domain, report.users, now, dataSourceOf(report))) touched.add(id);
    if (report.endpoints?.length) await this.upsertEndpoints(host, domain, report.endpoints, now, dataSourceOf(report));
    let blocks: IdentityBlock[] = [];
    if (report.events?.length) {
      const out = await this.storeEvents(host, domain, report.events);
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

  private async upsertGroups(domain: string, groups: NonNullable<IdentityReport['groups']>): Promise<void> {
    const rows = groups.map((g) => ({ group_id: identityId('GROUP', domain, g.name.toLowerCase()), domain, name_key: g.name.toLowerCase(), name: g.name, privileged: g.privileged ? 1 : 0 }));
    await chunked(rows, async (chunk) => {
      await this.db.insertInto('identity_groups').values(chunk).onConflict((oc) => oc.column('group_id').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), privileged: eb.ref('excluded.privileged') }))).execute();
    });
  }

  private async upsertUsers(host: SensorHost, domain: string, users: NonNullable<IdentityReport['users']>, now: string, dataSource: string): Promise<string[]> {
    const rows = users.map((u) => {
      const key = accountKey(u.sam_account_name);
      return {
        entity_id: identityId('USER', domain, key),
        type: 'USER',
        domain,
        name_key: key,
        sam_account_name: u.sam_account_name,
        primary_display_name: u.display_name || u.sam_account_name,
        secondary_display_name: `${domain}\\${u.sam_account_name}`,
        email: u.email ?? null,
        ou: u.ou ?? null,
        department: u.department ?? null,
        enabled: u.enabled ? 1 : 0,
        privileged: u.privileged ? 1 : 0,
        service_account: u.service_account ? 1 : 0,
        builtin_admin: u.builtin_admin ? 1 : 0,
        password_last_set: u.password_last_set ?? null,
        password_never_expires: u.password_never_expires ? 1 : 0,
        last_logon: u.last_logon ?? null,
        created_at: u.created ?? now,
        updated_at: now,
        host_name: null,
        last_ip: null,
        os_name: null,
        agent_id: null,
        source_device_id: host.device_id,
        data_source: dataSource,
        watched: 0,
        archived: u.enabled ? 0 : 1,
        risk_score: 0,
        risk_severity: 'NORMAL',
        risk_factors: '[]',
      };
    });
    await chunked(
      rows,
      async (chunk) => {
        await this.db
          .insertInto('identity_entities')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('entity_id').doUpdateSet((eb) => {
              const ex = (c: string) => eb.ref(`excluded.${c}` as any);
              return {
                primary_display_name: ex('primary_display_name'), sam_account_name: ex('sam_account_name'), secondary_display_name: ex('secondary_display_name'),
                email: ex('email'), ou: ex('ou'), department: ex('department'), enabled: ex('enabled'), privileged: ex('privileged'),
                service_account: ex('service_account'), builtin_admin: ex('builtin_admin'), password_last_set: ex('password_last_set'),
                password_never_expires: ex('password_never_expires'), archived: ex('archived'), updated_at: ex('updated_at'), source_device_id: ex('source_device_id'),
                // A directory's own last-logon is kept unless the timeline knows a later one.
                last_logon: sql`case when identity_entities.last_logon is null or excluded.last_logon > identity_entities.last_logon then excluded.last_logon else identity_entities.last_logon end`,
              } as any;
            }),
          )
          .execute();
      },
      200,
    );
    // Memberships as reported: a user's groups are replaced by the ones the directory lists now.
    const ids = rows.map((r) => r.entity_id);
    await chunked(ids, async (chunk) => {
      await this.db.deleteFrom('identity_group_members').where('entity_id', 'in', chunk).execute();
    });
    const members = users.flatMap((u, i) => u.groups.map((g) => ({ group_id: identityId('GROUP', domain, g.toLowerCase()), entity_id: ids[i], name: g })));
    const known = new Set<string>();
    await chunked([...new Set(members.map((m) => m.group_id))], async (chunk) => {
      for (const r of await this.db.selectFrom('identity_groups').select('group_id').where('group_id', 'in', chunk).execute()) known.add(r.group_id);
    });
    const missing = new Map(members.filter((m) => !known.has(m.group_id)).map((m) => [m.group_id, m.name]));
    if (missing.size) await this.upsertGroups(domain, [...missing.values()].map((name) => ({ name, privileged: false })));
    await chunked(members.map(({ group_id, entity_id }) => ({ group_id, entity_id })), async (chunk) => {
      await this.db.insertInto('identity_group_members').values(chunk).onConflict((oc) => oc.columns(['group_id', 'entity_id']).doNothing()).execute();
    });
    return ids;
  }

  private async upsertEndpoints(host: SensorHost, domain: string, endpoints: NonNullable<IdentityReport['endpoints']>, now: string, dataSource: string): Promise<void> {
    const rows = endpoints.map((e) => {
      const key = hostKey(e.host_name);
      return {
        entity_id: identityId('ENDPOINT', domain, key), type: 'ENDPOINT', domain, name_key: key, sam_account_name: `${e.host_name.split('.')[0].toUpperCase()}$`,
        primary_display_name: e.host_name, secondary_display_name: `${domain}\\${e.host_name.split('.')[0].toUpperCase()}$`,
        email: null, ou: null, department: null, enabled: 1, privileged: 0, service_account: 0, builtin_admin: 0,
        password_last_set: null, password_never_expires: 0, last_logon: null, created_at: now, updated_at: now,
        host_name: e.host_name, last_ip: e.ip ?? null, os_name: e.os ?? null, agent_id: e.agent_id ?? null,
        source_device_id: host.device_id, data_source: dataSource, watched: 0, archived: 0, risk_score: 0, risk_severity: 'NORMAL', risk_factors: '[]',
      };
    });
    await chunked(
      rows,
      async (chunk) => {
        await this.db
          .insertInto('identity_entities')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('entity_id').doUpdateSet((eb) => ({
              host_name: eb.ref('excluded.host_name'), last_ip: eb.ref('excluded.last_ip'), os_name: eb.ref('excluded.os_name'),
              agent_id: eb.fn.coalesce(eb.ref('excluded.agent_id'), eb.ref('identity_entities.agent_id')), updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      },
      200,
    );
  }

  /** Entity ids by lowercased name (users) or host name / address (endpoints). */
  private async lookup(domain: string, type: 'USER' | 'ENDPOINT', keys: string[], column: 'name_key' | 'last_ip' = 'name_key'): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    await chunked([...new Set(keys)].filter(Boolean), async (chunk) => {
      let q = this.db.selectFrom('identity_entities').select(['entity_id', column]).where('type', '=', type).where(column, 'in', chunk);
      if (column === 'name_key') q = q.where('domain', '=', domain);
      for (const r of await q.execute()) found.set(String((r as any)[column]), r.entity_id);
    });
    return found;
  }

  private async groupsOf(ids: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    await chunked([...new Set(ids)], async (chunk) => {
      for (const r of await this.db.selectFrom('identity_group_members').select(['entity_id', 'group_id']).where('entity_id', 'in', chunk).execute()) {
        let s = out.get(r.entity_id);
        if (!s) out.set(r.entity_id, (s = new Set()));
        s.add(r.group_id);
      }
    });
    return out;
  }

  private async storeEvents(host: SensorHost, domain: string, events: Auth[]): Promise<{ users: string[]; blocks: IdentityBlock[] }> {
    const users = await this.lookup(domain, 'USER', events.map((e) => accountKey(e.user)));
    const hosts = await this.lookup(domain, 'ENDPOINT', events.flatMap((e) => [e.source_host ? hostKey(e.source_host) : '', e.target_host ? hostKey(e.target_host) : '']));
    const byIp = await this.lookup(domain, 'ENDPOINT', events.filter((e) => !e.source_host && e.source_ip).map((e) => e.source_ip!), 'last_ip');
    const sensorEndpoint = identityId('ENDPOINT', domain, hostKey(host.hostname));
    const rules = await this.rules.enabled();
    const withGroups = needsGroups(rules);
    const rows: EventRow[] = [];
    const resolved = events.map((e) => {
      const userId = users.get(accountKey(e.user)) ?? null;
      const sourceId = (e.source_host ? hosts.get(hostKey(e.source_host)) : e.source_ip ? byIp.get(e.source_ip) : undefined) ?? null;
      const targetId = (e.target_host ? hosts.get(hostKey(e.target_host)) : sensorEndpoint) ?? null;
      return { e, userId, sourceId, targetId };
    });
    const groups = withGroups ? await this.groupsOf(resolved.flatMap((r) => [r.userId, r.sourceId, r.targetId].filter((x): x is string => !!x))) : new Map<string, Set<string>>();
    const none = new Set<string>();
    const matches: { rule: PolicyRule; row: EventRow }[] = [];
    for (const { e, userId, sourceId, targetId } of resolved) {
      const row: EventRow = {
        event_id: timeOrderedUuid(),
        event_type: e.result === 'SUCCESS' ? 'SUCCESSFUL_AUTHENTICATION' : 'FAILED_AUTHENTICATION',
        category: 'ACTIVITY',
        timestamp: new Date(e.timestamp).toISOString(),
        sensor_device_id: host.device_id,
        user_entity_id: userId,
        user_name: e.user,
        domain,
        endpoint_entity_id: sourceId,
        target_entity_id: targetId,
        source_ip: e.source_ip ?? null,
        source_host: e.source_host ?? null,
        target_host: e.target_host ?? host.hostname,
        protocol: e.protocol,
        result: e.result,
        service: e.service ?? null,
        rule_id: null,
        rule_name: null,
        simulated: 0,
        incident_id: null,
        description: e.reason ?? '',
      };
      rows.push(row);
      // A refusal the sensor already enforced is not evaluated again.
      if (e.result === 'BLOCKED' || !rules.length) continue;
      const subject = {
        protocol: e.protocol,
        service: e.service ?? null,
        userId,
        userGroups: (userId && groups.get(userId)) || none,
        sourceId,
        sourceGroups: (sourceId && groups.get(sourceId)) || none,
        targetId,
        targetGroups: (targetId && groups.get(targetId)) || none,
      };
      for (const rule of rules) if (ruleMatches(rule, subject)) matches.push({ rule, row });
    }
    const blocks: IdentityBlock[] = [];
    for (const { rule, row } of matches) {
      const enforce = !rule.simulationMode;
      let incidentId: string | null = null;
      if (rule.action === 'BLOCK' && enforce) {
        incidentId = await this.incidents.raise({
          type: 'POLICY_RULE_BLOCK',
          severity: 'HIGH',
          subject: `${rule.id}|${row.user_entity_id ?? row.user_name}`,
          description: `policy rule "${rule.name}" blocked ${row.user_name} (${row.protocol}) from ${row.source_host ?? row.source_ip ?? 'an unknown source'}`,
          ruleId: rule.id,
          entityIds: [row.user_entity_id, row.endpoint_entity_id].filter((x): x is string => !!x),
          at: row.timestamp,
        });
        blocks.push({ user: row.user_name, ...(row.source_ip ? { source_ip: row.source_ip } : {}), ...(row.source_host ? { source_host: row.source_host } : {}), rule_id: rule.id, rule_name: rule.name });
      }
      if (rule.action === 'ADD_TO_WATCH_LIST' && enforce && row.user_entity_id) {
        await this.db.updateTable('identity_entities').set({ watched: 1 }).where('entity_id', '=', row.user_entity_id).execute();
      }
      const verb = rule.action === 'BLOCK' ? 'blocked' : rule.action === 'ALLOW' ? 'allowed' : 'added to the watch list';
      rows.push({
        ...row,
        event_id: timeOrderedUuid(),
        event_type: 'POLICY_RULE_MATCH',
        category: 'POLICY',
        result: rule.action,
        rule_id: rule.id,
        rule_name: rule.name,
        simulated: enforce ? 0 : 1,
        incident_id: incidentId,
        description: enforce ? `${row.user_name} ${verb} by rule "${rule.name}"` : `simulation mode: ${row.user_name} would have been ${verb} by rule "${rule.name}"`,
      });
    }
    await chunked(rows, async (chunk) => void (await this.db.insertInto('identity_events').values(chunk).execute()), 400);
    await this.noteLogons(rows);
    await this.detectSpraying(rows);
    return { users: [...new Set(rows.map((r) => r.user_entity_id).filter((x): x is string => !!x))], blocks };
  }

  /** Last successful logon per user and endpoint address, from the timeline. */
  private async noteLogons(rows: EventRow[]): Promise<void> {
    const last = new Map<string, string>();
    for (const r of rows) {
      if (r.event_type !== 'SUCCESSFUL_AUTHENTICATION' || !r.user_entity_id) continue;
      if ((last.get(r.user_entity_id) ?? '') < r.timestamp) last.set(r.user_entity_id, r.timestamp);
    }
    for (const [id, ts] of last) {
      await this.db.updateTable('identity_entities').set({ last_logon: ts }).where('entity_id', '=', id).where((eb) => eb.or([eb('last_logon', 'is', null), eb('last_logon', '<', ts)])).execute();
    }
  }

  /** Failed authentications of many distinct accounts from one source within the window. */
  private async detectSpraying(rows: EventRow[]): Promise<void> {
    const sources = new Map<string, string>();
    for (const r of rows) if (r.event_type === 'FAILED_AUTHENTICATION' && r.source_ip && r.result === 'FAILURE') if ((sources.get(r.source_ip) ?? '') < r.timestamp) sources.set(r.source_ip, r.timestamp);
    for (const [ip, latest] of sources) {
      const since = new Date(Date.parse(latest) - SPRAY_WINDOW_MS).toISOString();
      const failed = await this.db
        .selectFrom('identity_events')
        .select(['user_name', 'user_entity_id', 'endpoint_entity_id'])
        .distinct()
        .where('source_ip', '=', ip)
        .where('timestamp', '>=', since)
        .where('timestamp', '<=', latest)
        .where('event_type', '=', 'FAILED_AUTHENTICATION')
        .where('result', '=', 'FAILURE')
        .execute();
      const accounts = new Set(failed.map((f) => accountKey(f.user_name)));
      if (accounts.size < SPRAY_DISTINCT_USERS) continue;
      await this.incidents.raise({
        type: 'PASSWORD_SPRAYING',
        severity: 'HIGH',
        subject: ip,
        description: `password spraying: failed authentications of ${accounts.size} accounts from ${ip} within ${SPRAY_WINDOW_MS / 60_000} minutes`,
        ruleId: null,
        entityIds: [...new Set(failed.flatMap((f) => [f.endpoint_entity_id, f.user_entity_id]).filter((x): x is string => !!x))],
        at: latest,
      });
    }
  }
}
