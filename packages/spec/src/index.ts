export * from './operation.ts';
export * from './registry.ts';
export { toOpenApi } from './openapi.ts';
export * from './agent-protocol.ts';
export { AggregateQueryRequest, AggregateQueryBody, AggregationResultSchema, type AggregateQueryBodyType } from './falcon/aggregates.ts';
export * from './identity-protocol.ts';
