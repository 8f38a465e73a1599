import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { AggregationResultSchema } from './aggregates.ts';
import { IdsQuery, listQuery } from './common.ts';

/**
 * Identity Protection (IdentityEntities and IdentityProtection collections, seed 004). The
 * GraphQL operation is its own dialect (`identity`): GraphQL errors instead of the Falcon envelope.
 */

const IncludeExclude = Type.Object(
  {
    include: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000 })),
    exclude: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
const EntityCondition = Type.Object({ entityId: Type.Optional(IncludeExclude), groupMembership: Type.Optional(IncludeExclude) }, { additionalProperties: false });

export const PolicyRuleCreateBody = Type.Object(
  {
    action: Type.Union(['ADD_TO_WATCH_LIST', 'ALLOW', 'APPLY_SSO_POLICY', 'BLOCK', 'FORCE_PASSWORD_CHANGE', 'MFA'].map((a) => Type.Literal(a))),
    activity: Type.Optional(Type.Object({ accessType: Type.Optional(IncludeExclude), accessTypeCustom: Type.Optional(IncludeExclude) }, { additionalProperties: false })),
    destination: Type.Optional(EntityCondition),
    enabled: Type.Boolean(),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    simulationMode: Type.Boolean(),
    sourceEndpoint: Type.Optional(EntityCondition),
    sourceUser: Type.Optional(EntityCondition),
    trigger: Type.Union(['access', 'accountEvent', 'alert', 'federatedAccess'].map((t) => Type.Literal(t))),
  },
  { additionalProperties: false },
);

const PolicyRule = Type.Object({ id: Type.String(), name: Type.String(), enabled: Type.Boolean(), simulationMode: Type.Boolean(), action: Type.String(), trigger: Type.String() }, { additionalProperties: true });

const Sensor = Type.Object(
  {
    cid: Type.String(), device_id: Type.String(), hostname: Type.String(), local_ip: Type.String(), machine_domain: Type.String(), os_version: Type.String(),
    agent_version: Type.String(), heartbeat_time: Type.String(), status: Type.String(), status_causes: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);

export const identityOperations = defineOperations([
  {
    operationId: 'GetSensorAggregates',
    collection: 'IdentityEntities',
    dialect: 'falcon',
    method: 'POST',
    path: '/identity-protection/aggregates/devices/GET/v1',
    scope: 'identity-entities:read',
    summary: 'Aggregates (terms, date_histogram, ranges, metrics; up to 3 nested levels) over identity sensors.',
    // The JS SDK sends one request object, FalconPy's uber class a list of them. Each is checked
    // against AggregateQueryRequest by the handler (one schema may not appear twice in a route).
    body: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 20 })], {
      description: 'one AggregateQueryRequest, or a list of them',
    }),
    successStatus: 200,
    response: AggregationResultSchema,
  },
  {
    operationId: 'GetSensorDetails',
    collection: 'IdentityEntities',
    dialect: 'falcon',
    method: 'POST',
    path: '/identity-protection/entities/devices/GET/v1',
    scope: 'identity-entities:read',
    summary: 'Details of identity sensors by device id (at most 5000).',
    body: Type.Object({ ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 5000 }) }, { additionalProperties: false }),
    successStatus: 200,
    response: Sensor,
  },
  {
    operationId: 'QuerySensorsByFilter',
    collection: 'IdentityEntities',
    dialect: 'falcon',
    method: 'GET',
    path: '/identity-protection/queries/devices/v1',
    scope: 'identity-entities:read',
    summary: 'Device ids of identity sensors matching an FQL filter.',
    query: Type.Object(listQuery(200), { additionalProperties: false }),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'api_preempt_proxy_post_graphql',
    collection: 'IdentityProtection',
    dialect: 'identity',
    method: 'POST',
    path: '/identity-protection/combined/graphql/v1',
    scope: 'identity-graphql:write',
    summary: 'Identity Protection GraphQL: entities, timeline, incidents, security assessment; watch-list and incident mutations.',
    body: Type.Object(
      {
        query: Type.String({ maxLength: 100_000 }),
        variables: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
        operationName: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
      },
      { additionalProperties: true },
    ),
    successStatus: 200,
  },
  {
    operationId: 'get_policy_rules',
    collection: 'IdentityProtection',
    dialect: 'falcon',
    method: 'GET',
    path: '/identity-protection/entities/policy-rules/v1',
    scope: 'identity-policy-rules:read',
    summary: 'Policy rules by id.',
    query: Type.Object({ ids: IdsQuery(500) }, { additionalProperties: false }),
    successStatus: 200,
    response: PolicyRule,
  },
  {
    operationId: 'post_policy_rules',
    collection: 'IdentityProtection',
    dialect: 'falcon',
    method: 'POST',
    path: '/identity-protection/entities/policy-rules/v1',
    scope: 'identity-policy-rules:write',
    summary: 'Create a policy rule, evaluated against every authentication from then on.',
    body: PolicyRuleCreateBody,
    successStatus: 201,
    response: PolicyRule,
  },
  {
    operationId: 'delete_policy_rules',
    collection: 'IdentityProtection',
    dialect: 'falcon',
    method: 'DELETE',
    path: '/identity-protection/entities/policy-rules/v1',
    scope: 'identity-policy-rules:write',
    summary: 'Delete policy rules by id.',
    query: Type.Object({ ids: IdsQuery(500) }, { additionalProperties: false }),
    successStatus: 200,
  },
  {
    operationId: 'get_policy_rules_query',
    collection: 'IdentityProtection',
    dialect: 'falcon',
    method: 'GET',
    path: '/identity-protection/queries/policy-rules/v1',
    scope: 'identity-policy-rules:read',
    summary: 'Policy rule ids by name, enabled and simulation mode.',
    query: Type.Object(
      { name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), enabled: Type.Optional(Type.Boolean()), simulation_mode: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: Type.String(),
  },
]);
