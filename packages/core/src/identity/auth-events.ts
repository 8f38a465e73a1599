import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { timeOrderedUuid } from '../util/ids.ts';
import { chunked } from './chunks.ts';
import { accountKey, hostKey, identityId } from './ids.ts';
import { needsGroups, ruleMatches, type PolicyRule, type PolicyRuleService } from './rules.ts';
import type { IdentityBlock, IdentityReport, SensorHost } from './types.ts';
import type { IdentityIncidents } from './incidents.ts';

type EventRow = Database['identity_events'];
type Auth = NonNullable<IdentityReport['events']>[number];

/** Failed authentications of this many distinct accounts from one source within the window is password spraying. */
export const SPRAY_DISTINCT_USERS = 10;
export const SPRAY_WINDOW_MS = 10 * 60_000;

/**
 * The timeline side of a report: authentications resolved to entities and stored, each evaluated
 * against the enabled policy rules (matches go on the timeline; enforcing BLOCKs raise an incident
 * and are returned for the sensor to refuse), last logons noted, password spraying detected.
 */
export class AuthEventStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rules: PolicyRuleService,
    private readonly incidents: IdentityIncidents,
  ) {}

  /** Entity ids by lowercased name (users) or host name / address (endpoints). */
  private async lookup(domain: string, type: 'USER' | 'ENDPOINT', keys: string[], column: 'name_key' | 'last_ip' = 'name_key'): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    await chunked([...new Set(keys)].filter(Boolean), async (chunk) => {
      let q = this.db.selectFrom('identity_entities').select(['entity_id', 'name_key', 'last_ip']).where('type', '=', type).where(column, 'in', chunk);
      if (column === 'name_key') q = q.where('domain', '=', domain);
      for (const r of await q.execute()) if (r[column] !== null) found.set(r[column], r.entity_id);
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

  /** Stores a sensor's authentications, evaluating the enabled rules on each; the users concerned and the blocks to enforce. */
  async store(host: SensorHost, domain: string, events: Auth[]): Promise<{ users: string[]; blocks: IdentityBlock[] }> {
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
