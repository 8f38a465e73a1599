import { defineOperations, type Operation } from './operation.ts';

/** Operational endpoints outside any vendor dialect. */
export const internalOperations = defineOperations([
  { operationId: 'Health', collection: 'Internal', dialect: 'internal', method: 'GET', path: '/health', scope: null, summary: 'Liveness probe.', successStatus: 200 },
  { operationId: 'OpenApi', collection: 'Internal', dialect: 'internal', method: 'GET', path: '/openapi.json', scope: null, summary: 'This OpenAPI document, generated from the operation registry.', successStatus: 200 },
]);
