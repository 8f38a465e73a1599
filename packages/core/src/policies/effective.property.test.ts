import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Core } from '../index.ts';
import { openTestCore } from '../testing/core.ts';
import { ServiceError } from '../util/errors.ts';
import type { Actor } from '../actor.ts';

const actor: Actor = { id: 'prop', name: 'prop' };
const PLATFORM_NAMES = ['Windows', 'Mac', 'Linux'] as const;

/** The definition, computed from the tables without any of the service's machinery. */
async function naive(core: Core): Promise<Map<string, string>> {
  const db = core.store.db;
  const hosts = await db.selectFrom('hosts').select(['device_id', 'platform_name']).execute();
  const members = await db.selectFrom('host_group_members').select(['device_id', 'group_id']).execute();
  const attached = await db.selectFrom('response_policy_groups').select(['group_id', 'policy_id']).execute();
  const policies = new Map((await db.selectFrom('response_policies').selectAll().execute()).map((p) => [p.id, p]));
  const out = new Map<string, string>();
  for (const h of hosts) {
    const groups = new Set(members.filter((m) => m.device_id === h.device_id).map((m) => m.group_id));
    const candidates = attached
      .filter((a) => groups.has(a.group_id))
      .map((a) => policies.get(a.policy_id)!)
      .filter((p) => p.platform_name === h.platform_name && p.enabled === 1 && p.is_default === 0)
      .sort((a, b) => a.precedence - b.precedence);
    const fallback = [...policies.values()].find((p) => p.is_default === 1 && p.platform_name === h.platform_name)!;
    out.set(h.device_id, (candidates[0] ?? fallback).id);
  }
  return out;
}

type Op =
  | { kind: 'create'; platform: number; enable: boolean }
  | { kind: 'toggle'; policy: number }
  | { kind: 'attach'; policy: number; group: number }
  | { kind: 'detach'; policy: number; group: number }
  | { kind: 'precedence'; platform: number; seed: number }
  | { kind: 'member'; host: number; group: number; add: boolean }
  | { kind: 'platform'; host: number; platform: number }
  | { kind: 'rule'; platform: number }
  | { kind: 'delete'; policy: number }
  | { kind: 'dropGroup'; group: number };

const n = fc.nat({ max: 50 });
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  w(2, fc.record({ kind: fc.constant('create' as const), platform: n, enable: fc.boolean() })),
  w(3, fc.record({ kind: fc.constant('toggle' as const), policy: n })),
  w(4, fc.record({ kind: fc.constant('attach' as const), policy: n, group: n })),
  w(2, fc.record({ kind: fc.constant('detach' as const), policy: n, group: n })),
  w(4, fc.record({ kind: fc.constant('precedence' as const), platform: n, seed: n })),
  w(4, fc.record({ kind: fc.constant('member' as const), host: n, group: n, add: fc.boolean() })),
  w(2, fc.record({ kind: fc.constant('platform' as const), host: n, platform: n })),
  w(2, fc.record({ kind: fc.constant('rule' as const), platform: n })),
  w(1, fc.record({ kind: fc.constant('delete' as const), policy: n })),
  w(1, fc.record({ kind: fc.constant('dropGroup' as const), group: n })),
);

describe('effective policies (property): the stored answer always equals the definition', () => {
  let core: Core;
  beforeAll(async () => {
    core = await openTestCore();
    for (let i = 0; i < 8; i++) await core.hosts.register({ hostname: `prop-${i}`, platform_name: PLATFORM_NAMES[i % 3] });
  });
  afterAll(() => core.close());

  const pick = <T>(xs: T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);

  async function apply(op: Op): Promise<void> {
    const db = core.store.db;
    const policies = await db.selectFrom('response_policies').selectAll().where('is_default', '=', 0).orderBy('id').execute();
    const groups = await db.selectFrom('host_groups').selectAll().orderBy('id').execute();
    const hosts = await db.selectFrom('hosts').select(['device_id', 'hostname', 'platform_name']).orderBy('device_id').execute();
    const staticGroups = groups.filter((g) => g.group_type === 'static');
    switch (op.kind) {
      case 'create': {
        const [p] = await core.responsePolicies.create([{ name: `p-${Math.random()}`, platform_name: PLATFORM_NAMES[op.platform % 3], settings: [{ id: 'RealTimeFunctionality', value: { enabled: true } }] }], actor);
        if (op.enable) await core.responsePolicies.act('enable', [p.id], [], actor);
        break;
      }
      case 'toggle': {
        const p = pick(policies, op.policy);
        if (p) await core.responsePolicies.act(p.enabled ? 'disable' : 'enable', [p.id], [], actor);
        break;
      }
      case 'attach':
      case 'detach': {
        const p = pick(policies, op.policy);
        const g = pick(groups, op.group);
        if (!p || !g) break;
        await core.responsePolicies.act(op.kind === 'attach' ? 'add-host-group' : 'remove-host-group', [p.id], [g.id], actor).catch((e) => {
          if (!(e instanceof ServiceError && e.status === 400)) throw e; // attached twice / not attached
        });
        break;
      }
      case 'precedence': {
        const platform = PLATFORM_NAMES[op.platform % 3];
        const ids = policies.filter((p) => p.platform_name === platform).map((p) => p.id);
        const order = ids.map((id, i) => ({ id, k: (i * 31 + op.seed * 17) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.id);
        await core.responsePolicies.setPrecedence(platform, order, actor);
        break;
      }
      case 'member': {
        const h = pick(hosts, op.host);
        const g = pick(staticGroups, op.group);
        if (h && g) await core.hostGroups.changeMembers(op.add ? 'add-hosts' : 'remove-hosts', [g.id], `device_id:'${h.device_id}'`, { id: 'prop' });
        break;
      }
      case 'platform': {
        const h = pick(hosts, op.host);
        if (h) await core.hosts.updateFacts(h.device_id, { hostname: h.hostname, platform_name: PLATFORM_NAMES[op.platform % 3] });
        break;
      }
      case 'rule': {
        const dyn = groups.find((g) => g.group_type === 'dynamic');
        if (dyn) await core.hostGroups.update([{ id: dyn.id, assignment_rule: `platform_name:'${PLATFORM_NAMES[op.platform % 3]}'` }], { id: 'prop' });
        break;
      }
      case 'delete': {
        const p = pick(policies.filter((x) => !x.enabled), op.policy);
        if (p) await core.responsePolicies.delete([p.id], actor);
        break;
      }
      case 'dropGroup': {
        const g = pick(staticGroups, op.group);
        if (g && staticGroups.length > 1) {
          await core.hostGroups.delete([g.id]);
          await core.hostGroups.create([{ name: `s-${Math.random()}`, group_type: 'static' }], { id: 'prop' });
        }
        break;
      }
    }
    await core.responsePolicies.settled();
  }

  it('after any sequence of policy, group, membership and host changes', async () => {
    const groups = await core.hostGroups.create(
      [
        { name: 'static-a', group_type: 'static' },
        { name: 'static-b', group_type: 'static' },
        { name: 'dynamic', group_type: 'dynamic', assignment_rule: "platform_name:'Windows'" },
      ],
      { id: 'prop' },
    );
    await core.hostGroups.changeMembers('add-hosts', [groups[0].id], "hostname:['prop-0','prop-1','prop-2','prop-3']", { id: 'prop' });
    await core.hostGroups.changeMembers('add-hosts', [groups[1].id], "hostname:['prop-3','prop-4','prop-5','prop-6']", { id: 'prop' });
    for (const platform of PLATFORM_NAMES) {
      const created = await core.responsePolicies.create(
        [1, 2].map((i) => ({ name: `${platform}-${i}`, platform_name: platform, settings: [{ id: 'RealTimeFunctionality', value: { enabled: true } }] })),
        actor,
      );
      await core.responsePolicies.act('enable', created.map((p) => p.id), [], actor);
      await core.responsePolicies.act('add-host-group', [created[0].id], [groups[0].id, groups[2].id], actor);
      await core.responsePolicies.act('add-host-group', [created[1].id], [groups[1].id], actor);
    }
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 20 }), async (ops) => {
        for (const op of ops) {
          await apply(op);
          const want = await naive(core);
          const got = await core.responsePolicies.effective([...want.keys()]);
          for (const [id, policy] of want) expect(got.get(id)?.policy_id, `${op.kind} → host ${id}`).toBe(policy);
        }
      }),
      { numRuns: 25 },
    );
  });
});
