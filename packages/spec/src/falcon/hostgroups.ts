import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { ActionParameter, IdsQuery, listQuery } from './common.ts';
import { Device } from './hosts.ts';

const collection = 'HostGroup';

const GroupType = Type.Union([Type.Literal('static'), Type.Literal('dynamic'), Type.Literal('staticByID')]);

export const HostGroup = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  group_type: GroupType,
  assignment_rule: Type.Optional(Type.String()),
  created_by: Type.String(),
  created_timestamp: Type.String(),
  modified_by: Type.String(),
  modified_timestamp: Type.String(),
});

const Name = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.String({ maxLength: 4096 });
const Rule = Type.String({ maxLength: 65536 });

const membersQuery = Type.Object(
  { id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), ...listQuery(5000) },
  { additionalProperties: false },
);

const groupActionQuery = Type.Object(
  {
    action_name: Type.Union([Type.Literal('add-hosts'), Type.Literal('remove-hosts')]),
    disable_hostname_check: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const groupActionBody = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500 }),
    action_parameters: Type.Array(ActionParameter, { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);

export const hostGroupOperations = defineOperations([
  {
    operationId: 'createHostGroups',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/entities/host-groups/v1',
    scope: 'host-group:write',
    summary: 'Create host groups (static, dynamic with an FQL assignment rule, or staticByID).',
    body: Type.Object(
      {
        resources: Type.Array(
          Type.Object(
            {
              name: Name,
              group_type: GroupType,
              description: Type.Optional(Description),
              assignment_rule: Type.Optional(Rule),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 100 },
        ),
      },
      { additionalProperties: false },
    ),
    successStatus: 201,
    response: HostGroup,
  },
  {
    operationId: 'updateHostGroups',
    collection,
    dialect: 'falcon',
    method: 'PATCH',
    path: '/devices/entities/host-groups/v1',
    scope: 'host-group:write',
    summary: 'Update host groups by id.',
    body: Type.Object(
      {
        resources: Type.Array(
          Type.Object(
            {
              id: Type.String({ minLength: 1, maxLength: 64 }),
              name: Type.Optional(Name),
              description: Type.Optional(Description),
              assignment_rule: Type.Optional(Type.Union([Rule, Type.Null()])),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 100 },
        ),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: HostGroup,
  },
  {
    operationId: 'deleteHostGroups',
    collection,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/devices/entities/host-groups/v1',
    scope: 'host-group:write',
    summary: 'Delete host groups by id.',
    query: Type.Object({ ids: IdsQuery(500) }, { additionalProperties: false }),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'getHostGroups',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/entities/host-groups/v1',
    scope: 'host-group:read',
    summary: 'Host groups by id.',
    query: Type.Object({ ids: IdsQuery(500) }, { additionalProperties: false }),
    successStatus: 200,
    response: HostGroup,
  },
  {
    operationId: 'queryHostGroups',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/queries/host-groups/v1',
    scope: 'host-group:read',
    summary: 'Search host groups by FQL; returns ids.',
    query: Type.Object(listQuery(5000), { additionalProperties: false }),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'queryCombinedHostGroups',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/combined/host-groups/v1',
    scope: 'host-group:read',
    summary: 'Search host groups by FQL; returns full records.',
    query: Type.Object(listQuery(5000), { additionalProperties: false }),
    successStatus: 200,
    response: HostGroup,
  },
  {
    operationId: 'queryGroupMembers',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/queries/host-group-members/v1',
    scope: 'host-group:read',
    summary: 'Device ids of the members of a host group, filtered by FQL over devices.',
    query: membersQuery,
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'queryCombinedGroupMembers',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/combined/host-group-members/v1',
    scope: 'host-group:read',
    summary: 'Device records of the members of a host group.',
    query: membersQuery,
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'performGroupAction',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/entities/host-group-actions/v1',
    scope: 'host-group:write',
    summary: 'Add hosts to or remove hosts from static host groups; hosts are chosen by an FQL `filter` action parameter.',
    query: groupActionQuery,
    body: groupActionBody,
    successStatus: 200,
    response: HostGroup,
  },
  {
    operationId: 'entities_perform_action',
    collection: 'Hosts',
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/entities/group-actions/v1',
    scope: 'host-group:write',
    summary: 'Add hosts to or remove hosts from static host groups named by `ids` (hosts chosen by an FQL `filter` action parameter), or remove all their members.',
    query: Type.Object(
      {
        action_name: Type.Union([Type.Literal('add_group_member'), Type.Literal('remove_group_member'), Type.Literal('remove_all')]),
        ids: IdsQuery(500),
        disable_hostname_check: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    body: Type.Object(
      { action_parameters: Type.Optional(Type.Array(ActionParameter, { maxItems: 10 })) },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: HostGroup,
  },
]);
