import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';

/**
 * riposte's own operations (no vendor counterpart: the vendor manages the containment allow-list
 * in its console). Contained hosts may still reach these CIDR blocks.
 */
export const containmentOperations = defineOperations([
  {
    operationId: 'riposte_GetContainmentAllowList',
    collection: 'Hosts',
    dialect: 'falcon',
    method: 'GET',
    path: '/riposte/entities/containment-allow-list/v1',
    scope: 'devices:read',
    summary: 'riposte extension: the CIDR blocks contained hosts may still reach.',
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'riposte_SetContainmentAllowList',
    collection: 'Hosts',
    dialect: 'falcon',
    method: 'PUT',
    path: '/riposte/entities/containment-allow-list/v1',
    scope: 'devices:write',
    summary: 'riposte extension: replace the containment allow-list (CIDR blocks); contained hosts apply it at once.',
    body: Type.Object({ cidrs: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 }) }, { additionalProperties: false }),
    successStatus: 200,
    response: Type.String(),
  },
]);
