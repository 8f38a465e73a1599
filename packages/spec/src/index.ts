export * from './operation.ts';
export * from './registry.ts';
export { toOpenApi } from './openapi.ts';
export * from './agent-protocol.ts';
export * from './agent-results.ts';
export { AggregateQueryRequest, AggregateQueryBody, AggregationResultSchema, type AggregateQueryBodyType } from './falcon/aggregates.ts';
export { CB_ORG_PREFIX, CB_LR_PREFIX, CB_PERMISSIONS, allCbGrants, parseCbGrants, type CbPermission } from './carbonblack/index.ts';
export * from './identity-protocol.ts';
