import type { Kysely } from 'kysely';
import type { Actor } from '../actor.ts';
import type { Database } from '../db/index.ts';
import { badRequest } from '../util/errors.ts';
import { newId, nowIso } from '../util/ids.ts';
import { chunked } from './chunks.ts';

/**
 * Identity policy rules: conditions on an authentication (who, from where, to where, how) and the
 * action taken when all of them hold. Every condition is `{include, exclude}`: an empty or absent
 * include means any; an exclude always wins.
 */

export const RULE_ACTIONS = ['ALLOW', 'BLOCK', 'ADD_TO_WATCH_LIST'] as const;
/** Actions the vendor offers that need an MFA/SSO provider or a password reset riposte does not have. */
export const UNSUPPORTED_RULE_ACTIONS = ['MFA', 'FORCE_PASSWORD_CHANGE', 'APPLY_SSO_POLICY'] as const;
export const RULE_TRIGGERS = ['access'] as const;
export const UNSUPPORTED_RULE_TRIGGERS = ['accountEvent', 'alert', 'federatedAccess'] as const;
/** `activity.accessType` values: the authentication protocols sensors report. */
export const ACCESS_TYPES = ['KERBEROS', 'NTLM', 'LDAP', 'SSH', 'SUDO', 'LOGIN'] as const;

export interface IncludeExclude {
  include?: string[];
  exclude?: string[];
}

export interface EntityCondition {
  entityId?: IncludeExclude;
  groupMembership?: IncludeExclude;
}

export interface PolicyRuleInput {
  name: string;
  action: string;
  trigger: string;
  enabled: boolean;
  simulationMode: boolean;
  activity?: { accessType?: IncludeExclude; accessTypeCustom?: IncludeExclude };
  destination?: EntityCondition;
  sourceEndpoint?: EntityCondition;
  sourceUser?: EntityCondition;
}

export interface PolicyRule extends PolicyRuleInput {
  id: string;
  /** The creating actor's id. */
  createdBy: string;
  createdAt: string;
}

/** An authentication as the rules see it. */
export interface RuleSubject {
  protocol: string;
  service: string | null;
  userId: string | null;
  userGroups: ReadonlySet<string>;
  sourceId: string | null;
  sourceGroups: ReadonlySet<string>;
  targetId: string | null;
  targetGroups: ReadonlySet<string>;
}

function passes(cond: IncludeExclude | undefined, values: readonly string[]): boolean {
  if (!cond) return true;
  if (cond.exclude?.some((v) => values.includes(v))) return false;
  return !cond.include?.length || cond.include.some((v) => values.includes(v));
}

function entityPasses(cond: EntityCondition | undefined, id: string | null, groups: ReadonlySet<string>): boolean {
  if (!cond) return true;
  return passes(cond.entityId, id ? [id] : []) && passes(cond.groupMembership, [...groups]);
}

export function ruleMatches(rule: PolicyRuleInput, s: RuleSubject): boolean {
  return (
    passes(rule.activity?.accessType, [s.protocol]) &&
    passes(rule.activity?.accessTypeCustom, s.service ? [s.service] : []) &&
    entityPasses(rule.sourceUser, s.userId, s.userGroups) &&
    entityPasses(rule.sourceEndpoint, s.sourceId, s.sourceGroups) &&
    entityPasses(rule.destination, s.targetId, s.targetGroups)
  );
}

/** Whether any condition needs group memberships (looked up only then). */
export function needsGroups(rules: readonly PolicyRuleInput[]): boolean {
  return rules.some((r) => [r.sourceUser, r.sourceEndpoint, r.destination].some((c) => c?.groupMembership?.include?.length || c?.groupMembership?.exclude?.length));
}

function rowToRule(r: Database['identity_policy_rules']): PolicyRule {
  const c = JSON.parse(r.conditions) as Pick<PolicyRuleInput, 'activity' | 'destination' | 'sourceEndpoint' | 'sourceUser'>;
  return { id: r.id, name: r.name, enabled: r.enabled === 1, simulationMode: r.simulation_mode === 1, action: r.action, trigger: r.trigger, ...c, createdBy: r.created_by, createdAt: r.created_at };
}

export class PolicyRuleService {
  constructor(private readonly db: Kysely<Database>) {}

  /** Checks every field the schema cannot: values, and that named entities and groups exist with the right type. */
  async validate(input: PolicyRuleInput): Promise<void> {
    if (!input.name.trim()) throw badRequest('name must not be empty');
    if ((UNSUPPORTED_RULE_ACTIONS as readonly string[]).includes(input.action)) throw badRequest(`action ${input.action} needs an identity provider riposte does not integrate; supported actions: ${RULE_ACTIONS.join(', ')}`);
    if (!(RULE_ACTIONS as readonly string[]).includes(input.action)) throw badRequest(`unknown action "${input.action}"; supported actions: ${RULE_ACTIONS.join(', ')}`);
    if ((UNSUPPORTED_RULE_TRIGGERS as readonly string[]).includes(input.trigger)) throw badRequest(`trigger ${input.trigger} is not evaluated by riposte; supported triggers: ${RULE_TRIGGERS.join(', ')}`);
    if (!(RULE_TRIGGERS as readonly string[]).includes(input.trigger)) throw badRequest(`unknown trigger "${input.trigger}"; supported triggers: ${RULE_TRIGGERS.join(', ')}`);
    for (const v of [...(input.activity?.accessType?.include ?? []), ...(input.activity?.accessType?.exclude ?? [])]) {
      if (!(ACCESS_TYPES as readonly string[]).includes(v)) throw badRequest(`activity.accessType: unknown value "${v}"; values are ${ACCESS_TYPES.join(', ')}`);
    }
    const conds: [string, EntityCondition | undefined, string][] = [
      ['sourceUser', input.sourceUser, 'USER'],
      ['sourceEndpoint', input.sourceEndpoint, 'ENDPOINT'],
      ['destination', input.destination, 'ENDPOINT'],
    ];
    for (const [name, cond, type] of conds) {
      const ids = [...new Set([...(cond?.entityId?.include ?? []), ...(cond?.entityId?.exclude ?? [])])];
      const found = new Set<string>();
      await chunked(ids, async (chunk) => {
        const rows = await this.db.selectFrom('identity_entities').select('entity_id').where('entity_id', 'in', chunk).where('type', '=', type).execute();
        for (const r of rows) found.add(r.entity_id);
      });
      const unknown = ids.filter((id) => !found.has(id));
      if (unknown.length) throw badRequest(`${name}.entityId: no ${type.toLowerCase()} entity with id ${unknown.slice(0, 5).join(', ')}`);
      const groups = [...new Set([...(cond?.groupMembership?.include ?? []), ...(cond?.groupMembership?.exclude ?? [])])];
      const foundGroups = new Set<string>();
      await chunked(groups, async (chunk) => {
        const rows = await this.db.selectFrom('identity_groups').select('group_id').where('group_id', 'in', chunk).execute();
        for (const r of rows) foundGroups.add(r.group_id);
      });
      const unknownGroups = groups.filter((g) => !foundGroups.has(g));
      if (unknownGroups.length) throw badRequest(`${name}.groupMembership: no group with id ${unknownGroups.slice(0, 5).join(', ')}`);
    }
  }

  async create(input: PolicyRuleInput, actor: Actor): Promise<PolicyRule> {
    await this.validate(input);
    const { name, action, trigger, enabled, simulationMode, ...conditions } = input;
    const row = {
      id: newId(),
      name: name.trim(),
      enabled: enabled ? 1 : 0,
      simulation_mode: simulationMode ? 1 : 0,
      action,
      trigger,
      conditions: JSON.stringify({ activity: conditions.activity, destination: conditions.destination, sourceEndpoint: conditions.sourceEndpoint, sourceUser: conditions.sourceUser }),
      created_by: actor.id,
      created_at: nowIso(),
    };
    await this.db.insertInto('identity_policy_rules').values(row).execute();
    return rowToRule(row);
  }

  async get(ids: readonly string[]): Promise<PolicyRule[]> {
    if (!ids.length) return [];
    const rows = await this.db.selectFrom('identity_policy_rules').selectAll().where('id', 'in', [...ids]).execute();
    return rows.map(rowToRule);
  }

  /** The ids deleted. */
  async delete(ids: readonly string[]): Promise<string[]> {
    const found = await this.get(ids);
    if (found.length) await this.db.deleteFrom('identity_policy_rules').where('id', 'in', found.map((r) => r.id)).execute();
    return found.map((r) => r.id);
  }

  async query(q: { name?: string; enabled?: boolean; simulationMode?: boolean }): Promise<string[]> {
    let query = this.db.selectFrom('identity_policy_rules').select('id');
    if (q.name !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['name']), '=', q.name!.trim().toLowerCase()));
    if (q.enabled !== undefined) query = query.where('enabled', '=', q.enabled ? 1 : 0);
    if (q.simulationMode !== undefined) query = query.where('simulation_mode', '=', q.simulationMode ? 1 : 0);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  async enabled(): Promise<PolicyRule[]> {
    const rows = await this.db.selectFrom('identity_policy_rules').selectAll().where('enabled', '=', 1).orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToRule);
  }
}
