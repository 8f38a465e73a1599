import type { Core, ResponsePolicy } from '@riposte/core';
import { badRequest, settingCategories } from '@riposte/core';
import { actorOf, type SomeFalconHandlers } from './call.ts';
import type { DeviceRenderCache } from './device-cache.ts';
import { falconTime } from './device-model.ts';
import { toFalconHostGroup } from './hostgroups.ts';
import { entitiesResult } from './hosts.ts';

/** A policy as `RemoteResponsePolicyV1`: settings read back as categories of toggles. */
export function toFalconResponsePolicy(p: ResponsePolicy, cid: string): Record<string, unknown> {
  return {
    cid,
    id: p.id,
    name: p.name,
    description: p.description,
    platform_name: p.platform_name,
    enabled: p.enabled,
    groups: p.groups.map((g) => toFalconHostGroup(g)),
    settings: settingCategories(p.platform_name, p.settings),
    created_by: p.created_by,
    created_timestamp: falconTime(p.created_timestamp),
    modified_by: p.modified_by,
    modified_timestamp: falconTime(p.modified_timestamp),
  };
}

/** `group_id` action parameters; any other parameter name is a mistake worth reporting. */
function groupIdsOf(params: { name: string; value: string }[] | undefined, name = 'group_id'): string[] {
  const out: string[] = [];
  for (const p of params ?? []) {
    if (p.name !== name) throw badRequest(`unknown action parameter "${p.name}": this action takes {"name": "${name}", "value": "<id>"}`);
    out.push(p.value);
  }
  return out;
}

/** FalconPy sends `ids` as a list or as one comma-separated string. */
function idList(ids: string[] | string): string[] {
  return (Array.isArray(ids) ? ids : ids.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function responsePolicyHandlers(core: Core, devices: DeviceRenderCache) {
  const policies = core.responsePolicies;
  const render = (list: ResponsePolicy[]) => list.map((p) => toFalconResponsePolicy(p, core.cid));
  return {
    async createRTResponsePolicies(call) {
      const created = await policies.create(call.body.resources, actorOf(call));
      return { resources: render(created), writes: { resources_affected: created.length } };
    },
    async updateRTResponsePolicies(call) {
      const updated = await policies.update(call.body.resources, actorOf(call));
      return { resources: render(updated), writes: { resources_affected: updated.length } };
    },
    async deleteRTResponsePolicies(call) {
      const deleted = await policies.delete(call.query.ids, actorOf(call));
      return { resources: deleted, writes: { resources_affected: deleted.length } };
    },
    async getRTResponsePolicies({ query }) {
      const found = await policies.get(query.ids);
      return entitiesResult(query.ids, found, (p) => p.id, 'response policy', (p) => toFalconResponsePolicy(p, core.cid));
    },
    async queryRTResponsePolicies({ query }) {
      const page = await policies.query(query);
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async queryCombinedRTResponsePolicies({ query }) {
      const page = await policies.query(query);
      return { resources: render(await policies.get(page.ids)), pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async queryRTResponsePolicyMembers({ query }) {
      const page = await policies.members(query.id, query);
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async queryCombinedRTResponsePolicyMembers({ query }) {
      const page = await policies.members(query.id, query);
      return { resourcesJson: (await devices.render(page.ids)).json, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async performRTResponsePoliciesAction(call) {
      const action = call.query.action_name;
      const groupIds =
        action === 'add-host-group' || action === 'remove-host-group'
          ? groupIdsOf(call.body.action_parameters)
          : action === 'add-rule-group' || action === 'remove-rule-group'
            ? groupIdsOf(call.body.action_parameters, 'rule_group_id')
            : [];
      const changed = await policies.act(action, call.body.ids, groupIds, actorOf(call));
      return { resources: render(changed), writes: { resources_affected: changed.length } };
    },
    async setRTResponsePoliciesPrecedence(call) {
      const ids = await policies.setPrecedence(call.body.platform_name, idList(call.body.ids), actorOf(call));
      return { resources: ids };
    },
  } satisfies SomeFalconHandlers;
}
