import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { ActionParameter, IdsQuery, listQuery } from './common.ts';
import { Device } from './hosts.ts';
import { HostGroup } from './hostgroups.ts';

const collection = 'ResponsePolicies';
const read = 'response-policies:read';
const write = 'response-policies:write';

const PolicyId = Type.String({ minLength: 1, maxLength: 64 });
/** Windows, Mac or Linux; the service also accepts other letter cases. */
const Platform = Type.String({ minLength: 1, maxLength: 32, description: 'Windows, Mac or Linux' });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.String({ maxLength: 4096 });

/** A setting as written: `{id, value: {"enabled": true|false}}`; ids and values are checked by the service. */
const SettingWrite = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128 }), value: Type.Unknown({ description: '{"enabled": true|false}' }) },
  { additionalProperties: false },
);
const Settings = Type.Array(SettingWrite, { maxItems: 64 });

const Setting = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Literal('toggle'),
  value: Type.Object({ enabled: Type.Boolean() }),
  description: Type.String(),
});

/** `RemoteResponsePolicyV1`. */
export const ResponsePolicy = Type.Object({
  id: Type.String(),
  cid: Type.String(),
  name: Type.String(),
  description: Type.String(),
  platform_name: Type.String(),
  enabled: Type.Boolean(),
  groups: Type.Array(HostGroup),
  settings: Type.Array(Type.Object({ name: Type.String(), settings: Type.Array(Setting) })),
  created_by: Type.String(),
  created_timestamp: Type.String(),
  modified_by: Type.String(),
  modified_timestamp: Type.String(),
});

const membersQuery = Type.Object({ id: Type.Optional(PolicyId), ...listQuery(5000) }, { additionalProperties: false });
const policiesQuery = Type.Object(listQuery(5000), { additionalProperties: false });
const idsQuery = Type.Object({ ids: IdsQuery(500, PolicyId) }, { additionalProperties: false });

export const responsePolicyOperations = defineOperations([
  {
    operationId: 'queryCombinedRTResponsePolicyMembers',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/policy/combined/response-members/v1',
    scope: read,
    summary: 'Device records of the hosts a response policy decides for (its effective members), filtered by FQL over devices.',
    query: membersQuery,
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'queryCombinedRTResponsePolicies',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/policy/combined/response/v1',
    scope: read,
    summary: 'Search response policies by FQL; returns full records.',
    query: policiesQuery,
    successStatus: 200,
    response: ResponsePolicy,
  },
  {
    operationId: 'performRTResponsePoliciesAction',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/policy/entities/response-actions/v1',
    scope: write,
    summary: 'Enable or disable response policies, or attach/detach host groups (`group_id` action parameters).',
    query: Type.Object(
      {
        action_name: Type.Union(
          (['add-host-group', 'add-rule-group', 'disable', 'enable', 'remove-host-group', 'remove-rule-group'] as const).map((a) => Type.Literal(a)),
        ),
      },
      { additionalProperties: false },
    ),
    body: Type.Object(
      {
        ids: Type.Array(PolicyId, { minItems: 1, maxItems: 100 }),
        action_parameters: Type.Optional(Type.Array(ActionParameter, { maxItems: 500 })),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: ResponsePolicy,
  },
  {
    operationId: 'setRTResponsePoliciesPrecedence',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/policy/entities/response-precedence/v1',
    scope: write,
    summary: 'Order a platform\'s response policies (first = highest); the list must hold every non-default policy of the platform.',
    body: Type.Object(
      {
        // FalconPy also sends a comma-separated string.
        ids: Type.Union([Type.Array(PolicyId, { maxItems: 5000 }), Type.String({ maxLength: 330_000 })]),
        platform_name: Platform,
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'getRTResponsePolicies',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/policy/entities/response/v1',
    scope: read,
    summary: 'Response policies by id.',
    query: idsQuery,
    successStatus: 200,
    response: ResponsePolicy,
  },
  {
    operationId: 'createRTResponsePolicies',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/policy/entities/response/v1',
    scope: write,
    summary: 'Create response policies (disabled, lowest precedence); optionally cloned from `clone_id`.',
    body: Type.Object(
      {
        resources: Type.Array(
          Type.Object(
            {
              name: Name,
              platform_name: Platform,
              description: Type.Optional(Description),
              settings: Type.Optional(Settings),
              clone_id: Type.Optional(PolicyId),
            },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 100 },
        ),
      },
      { additionalProperties: false },
    ),
    successStatus: 201,
    response: ResponsePolicy,
  },
  {
    operationId: 'deleteRTResponsePolicies',
    collection,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/policy/entities/response/v1',
    scope: write,
    summary: 'Delete disabled, non-default response policies by id.',
    query: idsQuery,
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'updateRTResponsePolicies',
    collection,
    dialect: 'falcon',
    method: 'PATCH',
    path: '/policy/entities/response/v1',
    scope: write,
    summary: 'Update response policies: name, description, settings.',
    body: Type.Object(
      {
        resources: Type.Array(
          Type.Object(
            { id: PolicyId, name: Type.Optional(Name), description: Type.Optional(Description), settings: Type.Optional(Settings) },
            { additionalProperties: false },
          ),
          { minItems: 1, maxItems: 100 },
        ),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: ResponsePolicy,
  },
  {
    operationId: 'queryRTResponsePolicyMembers',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/policy/queries/response-members/v1',
    scope: read,
    summary: 'Device ids of the hosts a response policy decides for, filtered by FQL over devices.',
    query: membersQuery,
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'queryRTResponsePolicies',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/policy/queries/response/v1',
    scope: read,
    summary: 'Search response policies by FQL; returns ids.',
    query: policiesQuery,
    successStatus: 200,
    response: Type.String(),
  },
]);
