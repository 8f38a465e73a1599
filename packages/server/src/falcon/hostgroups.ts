import type { Core, HostGroup } from '@riposte/core';
import { badRequest } from '@riposte/core';
import type { FalconHandlers } from '../routes.ts';
import { falconTime } from './device-model.ts';
import type { DeviceRenderCache } from './device-cache.ts';
import { entitiesResult } from './hosts.ts';

export function toFalconHostGroup(g: HostGroup): Record<string, unknown> {
  return {
    id: g.id,
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

function filterParameter(params: { name: string; value: string }[]): string {
  const p = params.find((x) => x.name === 'filter');
  if (!p) throw badRequest('action_parameters must include {"name":"filter","value":"<FQL over hosts>"}');
  return p.value;
}

export function hostGroupHandlers(core: Core, devices: DeviceRenderCache): FalconHandlers {
  const who = (c: { principal?: { client_name: string; client_id: string } }) => c.principal?.client_name ?? 'api';
  const groupsResult = async (ids: string[]) => {
    const groups = await core.hostGroups.get(ids);
    return entitiesResult(ids, groups, (g) => g.id, 'host group', toFalconHostGroup);
  };
  return {
    async createHostGroups(call) {
      const groups = await core.hostGroups.create(call.body.resources, who(call));
      return { resources: groups.map(toFalconHostGroup), writes: { resources_affected: groups.length } };
    },
    async updateHostGroups(call) {
      const groups = await core.hostGroups.update(call.body.resources, who(call));
      return { resources: groups.map(toFalconHostGroup), writes: { resources_affected: groups.length } };
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
      return { resources: groups.map(toFalconHostGroup), pagination: { offset: page.offset, limit: page.limit, total: page.total } };
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
      const groups = await core.hostGroups.changeMembers(call.query.action_name, call.body.ids, filterParameter(call.body.action_parameters), who(call));
      return { resources: groups.map(toFalconHostGroup) };
    },
    async entities_perform_action(call) {
      const groups = await core.hostGroups.changeMembers(call.query.action_name, call.query.ids, filterParameter(call.body.action_parameters), who(call));
      return { resources: groups.map(toFalconHostGroup) };
    },
  };
}
