import type { AuditService } from '../audit/index.ts';
import type { Store } from '../db/index.ts';
import type { EventBus } from '../events.ts';
import { queryIds } from '../fql/index.ts';
import type { Capability } from '../guard/index.ts';
import { hostQueryFqlSchema, type HostPage, type HostQuery, type HostService } from '../hosts/index.ts';
import { badRequest, notFound, type ServiceError } from '../util/errors.ts';
import { responsePolicyFqlSchema } from './fql-schema.ts';
import type { Actor } from '../actor.ts';
import type { EffectivePolicy, NewResponsePolicy, PolicyAction, PolicyPage, PolicyQuery, ResponsePolicy, ResponsePolicyUpdate } from './index.ts';
import { PolicyCheck } from './policy-check.ts';
import { PolicyPlacement } from './policy-placement.ts';
import { PolicyRecords } from './policy-records.ts';
import { PolicyWrites } from './policy-writes.ts';

/**
 * Response policies: CRUD, host-group attachment, precedence, effective policy per host, and the
 * check the response guard runs before every session and command. The work is done by its parts:
 * the check (policy-check.ts), changes (policy-writes.ts), and placement of hosts as hosts and
 * groups change (policy-placement.ts), over shared records (policy-records.ts).
 */
export class ResponsePolicyService {
  private readonly records: PolicyRecords;
  private readonly placement: PolicyPlacement;
  private readonly checker: PolicyCheck;
  private readonly writes: PolicyWrites;

  constructor(store: Store, audit: AuditService) {
    this.records = new PolicyRecords(store.db, store.adapter, audit);
    this.placement = new PolicyPlacement(this.records);
    this.checker = new PolicyCheck(this.records, this.placement);
    this.writes = new PolicyWrites(this.records);
  }

  /** React to host and group changes from now on (createCore calls this, in its hook order). */
  subscribe(hosts: HostService, events: EventBus): void {
    this.placement.subscribe(hosts, events);
  }

  /** Place hosts that have no effective policy yet, and forget attachments of deleted groups. */
  start(): Promise<void> {
    return this.placement.start();
  }

  /** Resolves when every background recomputation started so far has finished. */
  settled(): Promise<void> {
    return this.placement.settled();
  }

  /** Finish background work and release the check's connection (before the store closes). */
  async close(): Promise<void> {
    await this.settled();
    await this.checker.close();
  }

  // ---- the check and effective policies ----

  /** Registered with the response guard: throws the refusal when `deviceId`'s policy does not allow `capability`. */
  check(deviceId: string, capability: Capability): Promise<void> {
    return this.checker.check(deviceId, capability);
  }

  /** The guard's bulk check: the refusal of each host that may not. */
  checkMany(deviceIds: readonly string[], capability: Capability): Promise<Map<string, ServiceError>> {
    return this.checker.checkMany(deviceIds, capability);
  }

  /** What identifies each host's effective policy as rendered (id and last modification). */
  effectiveStamps(deviceIds: readonly string[]): Promise<Map<string, string>> {
    return this.checker.effectiveStamps(deviceIds);
  }

  /** The effective policy of each host that exists. */
  effective(deviceIds: readonly string[]): Promise<Map<string, EffectivePolicy>> {
    return this.checker.effective(deviceIds);
  }

  // ---- reading ----

  /** Policies that exist, in the order asked. */
  async get(ids: readonly string[]): Promise<ResponsePolicy[]> {
    return this.records.load(this.records.db, ids);
  }

  async query(q: PolicyQuery): Promise<PolicyPage> {
    return queryIds(this.records.db.selectFrom('response_policies'), responsePolicyFqlSchema, q, 'platform_name.asc,precedence.asc');
  }

  /** Hosts for which `policyId` is the effective policy, filtered, sorted and paged like a host query. */
  async members(policyId: string | undefined, q: HostQuery): Promise<HostPage> {
    if (!policyId) throw badRequest('id (response policy id) is required');
    const [policy] = await this.get([policyId]);
    if (!policy) throw notFound(`response policy not found: ${policyId}`);
    let base = this.records.db
      .selectFrom('hosts')
      .where('hosts.device_id', 'in', (eb) =>
        eb
          .selectFrom('hosts_effective_policy as e')
          .innerJoin('response_policy_sets as s', 's.id', 'e.set_id')
          .select('e.device_id')
          .where('s.policy_id', '=', policyId),
      );
    if (!q.includeHidden) base = base.where('hosts.hidden', '=', 0);
    return queryIds(base, hostQueryFqlSchema, q, 'device_id.asc');
  }

  // ---- writing: one transaction per call, audited in it ----

  create(inputs: readonly NewResponsePolicy[], actor: Actor): Promise<ResponsePolicy[]> {
    return this.writes.create(inputs, actor);
  }

  update(updates: readonly ResponsePolicyUpdate[], actor: Actor): Promise<ResponsePolicy[]> {
    return this.writes.update(updates, actor);
  }

  /** Delete policies: all or none. The vendor's rules: never a default, never an enabled one. */
  delete(ids: readonly string[], actor: Actor): Promise<string[]> {
    return this.writes.delete(ids, actor);
  }

  act(action: PolicyAction, ids: readonly string[], groupIds: readonly string[], actor: Actor): Promise<ResponsePolicy[]> {
    return this.writes.act(action, ids, groupIds, actor);
  }

  /** Order a platform's policies: `ids` first = highest; it must name every non-default policy of the platform once. */
  setPrecedence(platformName: string, ids: readonly string[], actor: Actor): Promise<string[]> {
    return this.writes.setPrecedence(platformName, ids, actor);
  }

  /** Recompute every host's candidate set from scratch (operators; benchmarks after bulk loads). */
  rebuild(): Promise<void> {
    return this.writes.rebuild();
  }
}
