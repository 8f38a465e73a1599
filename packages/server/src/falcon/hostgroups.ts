import type { Core, HostGroup } from '@riposte/core';
import { badRequest } from '@riposte/core';
import { actorOf, type SomeFalconHandlers } from './call.ts';
import { falconTime } from './device-model.ts';
import type { DeviceRenderCache } from './device-cache.ts';
import { entitiesResult } from './hosts.ts';

/** A host group as Falcon's `DeviceapiGroupResponseV1`; `cid` where the vendor's model has it. */
export function toFalconHostGroup(g: HostGroup, cid?: string): Record<string, unknown> {
  return {
    id: g.id,
    ...(cid ? { cid } : {}),
    group_type: g.group_type,
    name: g.name,
    description: g.description,
    ...(g.group_type === 'dynamic' ? { assignment_rule: g.assignment_rule } : {}),
    created_by: g.created_by,
    created_timestamp: falconTime(g.created_timestamp),
    modified_by: g.modified_by,
    modified_timestamp: falconTime(g.modified_timestamp),
  };
}

function filterParameter(params: { name: string; value: string }[] = []): string {
  const p = params.find((x) => x.name === 'filter');
  if (!p) throw badRequest('action_parameters must include {"name":"filter","value":"<FQL over hosts>"}');
  return p.value;
}

/** The Hosts collection's group-action names for the host group service's actions. */
const GROUP_ACTIONS = { add_group_member: 'add-hosts', remove_group_member: 'remove-hosts', remove_all: 'remove-all' } as const;

export function hostGroupHandlers(core: Core, devices: DeviceRenderCache) {
  const render = (g: HostGroup) => toFalconHostGroup(g, core.cid);
  const groupsResult = async (ids: string[]) => {
    const groups = await core.hostGroups.get(ids);
    return entitiesResult(ids, groups, (g) => g.id, 'host group', render);
  };
  return {
    async createHostGroups(call) {
      const groups = await core.hostGroups.create(call.body.resources, actorOf(call));
      return { resources: groups.map(render), writes: { resources_affected: groups.length } };
    },
    async updateHostGroups(call) {
      const groups = await core.hostGroups.update(call.body.resources, actorOf(call));
      return { resources: groups.map(render), writes: { resources_affected: groups.length } };
    },
    async deleteHostGroups({ query }) {
      const { deleted, missing } = await core.hostGroups.delete(query.ids);
      return {
        resources: deleted,
        errors: missing.map((id) => ({ code: 404, message: `host group not found: ${id}`, id })),
        writes: { resources_affected: deleted.length },
        ...(deleted.length === 0 ? { status: 404 } : {}),
      };
    },
    async getHostGroups({ query }) {
      return groupsResult(query.ids);
    },
    async queryHostGroups({ query }) {
      const page = await core.hostGroups.query(query);
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async queryCombinedHostGroups({ query }) {
      const page = await core.hostGroups.query(query);
      const groups = await core.hostGroups.get(page.ids);
      return { resources: groups.map(render), pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async queryGroupMembers({ query }) {
      const page = await core.hostGroups.members(query.id, query);
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async queryCombinedGroupMembers({ query }) {
      const page = await core.hostGroups.members(query.id, query);
      return {
        resourcesJson: (await devices.render(page.ids)).json,
        pagination: { offset: page.offset, limit: page.limit, total: page.total },
      };
    },
    async performGroupAction(call) {
      const groups = await core.hostGroups.changeMembers(call.query.action_name, call.body.ids, filterParameter(call.body.action_parameters), actorOf(call));
      return { resources: groups.map(render) };
    },
    async entities_perform_action(call) {
      const action = GROUP_ACTIONS[call.query.action_name as keyof typeof GROUP_ACTIONS];
      const filter = action === 'remove-all' ? '' : filterParameter(call.body.action_parameters);
      const groups = await core.hostGroups.changeMembers(action, call.query.ids, filter, actorOf(call));
      return { resources: groups.map(render) };
    },
  } satisfies SomeFalconHandlers;
}
