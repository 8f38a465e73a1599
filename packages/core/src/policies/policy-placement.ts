import type { EventBus } from '../events.ts';
import { chunks } from '../db/index.ts';
import type { HostService } from '../hosts/index.ts';
import { collectUnusedSets, recomputeHostSets, scopes } from './candidate-sets.ts';
import { SYSTEM_ACTOR } from '../actor.ts';
import type { Db, PolicyRecords } from './policy-records.ts';

/**
 * Keeps every host's effective policy current as hosts and groups change: new hosts are placed,
 * changed memberships move hosts, deleted groups are detached. One job at a time, in order.
 */
export class PolicyPlacement {
  private background: Promise<void> = Promise.resolve();

  constructor(private readonly records: PolicyRecords) {}

  /** Register the reactions to host and group changes (createCore calls this, in its hook order). */
  subscribe(hosts: HostService, events: EventBus): void {
    // Awaited by the host service: a registered host has its policy before register() returns.
    hosts.onChange((ids) => this.inBackground(() => this.placeHosts(ids)));
    // Awaited by the host-group service after it commits: the next command sees the new policy.
    events.on('group.members.changed', (e) => this.inBackground(() => this.groupMembersChanged(e.group_id, e.device_ids)));
    events.on('group.deleted', (e) => this.inBackground(() => this.groupDeleted(e.group_id)));
  }

  /** Place hosts that have no effective policy yet, and forget attachments of deleted groups. */
  async start(): Promise<void> {
    await this.records.write(async (trx) => {
      await recomputeHostSets(trx, this.records.adapter, scopes.unplaced());
      const orphans = await trx
        .selectFrom('response_policy_groups')
        .select('group_id')
        .distinct()
        .where((eb) => eb.not(eb.exists(eb.selectFrom('host_groups').select('host_groups.id').whereRef('host_groups.id', '=', 'response_policy_groups.group_id'))))
        .execute();
      for (const o of orphans) await this.detachDeletedGroup(trx, o.group_id);
    });
  }

  /** Resolves when every background recomputation started so far has finished. */
  async settled(): Promise<void> {
    await this.background;
  }

  private inBackground(job: () => Promise<void>): Promise<void> {
    const run = this.background.then(job);
    this.background = run.catch((err) => {
      process.emitWarning(`response policy recomputation failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.background;
  }

  async placeHosts(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.records.write(async (trx) => {
      for (const chunk of chunks(ids)) await recomputeHostSets(trx, this.records.adapter, scopes.ids(chunk));
    });
  }

  private async groupMembersChanged(groupId: string, deviceIds: readonly string[]): Promise<void> {
    await this.records.write(async (trx) => {
      // Some group writers announce changes before they commit: wait for the writer of this
      // group's row to finish, so the memberships read below are the new ones.
      await this.records.adapter.waitForRowWriters(trx, 'host_groups', 'id', groupId);
      const attached = await trx.selectFrom('response_policy_groups').select('policy_id').where('group_id', '=', groupId).executeTakeFirst();
      if (!attached) return;
      for (const chunk of chunks(deviceIds)) await recomputeHostSets(trx, this.records.adapter, scopes.ids(chunk));
    });
  }

  private async groupDeleted(groupId: string): Promise<void> {
    await this.records.write((trx) => this.detachDeletedGroup(trx, groupId));
  }

  /** A deleted group's former members may lose policies: move them, then forget the attachments. */
  private async detachDeletedGroup(trx: Db, groupId: string): Promise<void> {
    const attached = await trx.selectFrom('response_policy_groups').select('policy_id').where('group_id', '=', groupId).execute();
    if (!attached.length) return;
    const policyIds = attached.map((a) => a.policy_id);
    await trx.deleteFrom('response_policy_groups').where('group_id', '=', groupId).execute();
    await recomputeHostSets(trx, this.records.adapter, scopes.inSetsHolding(policyIds));
    await collectUnusedSets(trx);
    for (const id of policyIds) {
      await this.records.record(trx, SYSTEM_ACTOR, 'response_policy.remove-host-group', id, { groups: [groupId] }, { groups: [] }, { reason: 'host group deleted' });
    }
  }
}
