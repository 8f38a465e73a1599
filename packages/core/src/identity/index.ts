import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { getOrCreateSetting } from '../settings.ts';
import { CursorCodec } from './cursors.ts';
import { IdentityEntities } from './entities.ts';
import { IdentityIncidents } from './incidents.ts';
import { IdentityIngest } from './ingest.ts';
import { PolicyRuleService } from './rules.ts';
import { RiskRefresher } from './refresh.ts';
import { IdentitySensors } from './sensors.ts';
import { IdentityTimeline } from './timeline.ts';
import { assessDomain, type SecurityAssessment } from './assessment.ts';

export * from './types.ts';
export type { IdentityTables } from './tables.ts';
export { identitySensorFqlSchema, type IdentitySensor } from './sensors.ts';
export { ENTITY_SORT_KEYS, ROLES, rolesOf, riskFactorsOf, type EntityColumn, type EntityQuery, type EntityRow } from './entities.ts';
export { MAX_PAGE as MAX_IDENTITY_PAGE, type IdentityPage } from './keyset.ts';
export { LIFECYCLE_STAGES, type IdentityIncident } from './incidents.ts';
export { RULE_ACTIONS, RULE_TRIGGERS, ACCESS_TYPES, type PolicyRule, type PolicyRuleInput } from './rules.ts';
export { parseTimeArg, type TimelineQuery, type TimelineRow, type IncidentQuery } from './timeline.ts';
export { assessRisk, type RiskFactor } from './risk.ts';
export { SPRAY_DISTINCT_USERS, SPRAY_WINDOW_MS } from './auth-events.ts';
export type { SecurityAssessment } from './assessment.ts';

/**
 * Identity Protection: what identity sensors report (directories and authentications), the
 * risk computed from it, the timeline, incidents, and the policy rules evaluated on every
 * authentication as it arrives.
 */
export class IdentityService {
  readonly sensors: IdentitySensors;
  readonly rules: PolicyRuleService;
  readonly incidents: IdentityIncidents;
  readonly entities: IdentityEntities;
  readonly timeline: IdentityTimeline;
  readonly risk: RiskRefresher;
  private readonly ingester: IdentityIngest;
  private codec?: Promise<CursorCodec>;

  constructor(private readonly db: Kysely<Database>) {
    const cursors = () => (this.codec ??= getOrCreateSetting(db, 'identity_cursor_key', () => crypto.randomBytes(32).toString('hex')).then((k) => new CursorCodec(k)));
    this.sensors = new IdentitySensors(db);
    this.rules = new PolicyRuleService(db);
    this.incidents = new IdentityIncidents(db);
    this.entities = new IdentityEntities(db, cursors);
    this.timeline = new IdentityTimeline(db, cursors);
    this.risk = new RiskRefresher(db);
    this.ingester = new IdentityIngest(db, this.rules, this.incidents, this.risk);
  }

  /** Stores one report of a sensor; the blocks the sensor must enforce. */
  ingest(...args: Parameters<IdentityIngest['ingest']>) {
    return this.ingester.ingest(...args);
  }

  assess(domain?: string): Promise<SecurityAssessment> {
    return assessDomain(this.db, domain);
  }
}
