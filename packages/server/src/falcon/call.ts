import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BodyOf, OperationOf, ParamsOf, QueryOf } from '@riposte/spec';
import type { Actor, TokenPrincipal } from '@riposte/core';
import type { FalconResult } from './envelope.ts';

/** A Falcon operation of the registry, with its literal id and schema types. */
export type FalconOperation = OperationOf<'falcon'>;
export type FalconOperationId = FalconOperation['operationId'];

/** One call of an operation, as a handler sees it: input validated by (and typed from) its registry schemas, and who is calling. */
export interface Call<O extends FalconOperation = FalconOperation> {
  op: O;
  query: QueryOf<O>;
  body: BodyOf<O>;
  params: ParamsOf<O>;
  principal?: TokenPrincipal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** The API client making a call: it owns what it creates and is named in created_by/modified_by and the audit trail. */
export function actorOf(call: { principal?: TokenPrincipal }): Actor {
  const p = call.principal;
  if (!p) throw new Error('this operation requires an authenticated principal');
  return { id: p.client_id, name: p.client_name };
}

/** A call of any of the operations named (handlers shared by several operations). */
export type CallOf<Id extends FalconOperationId> = Call<Extract<FalconOperation, { operationId: Id }>>;

/** A Falcon handler returns what goes into the envelope, or undefined when it sent the reply itself (downloads). */
export type FalconHandler<O extends FalconOperation = FalconOperation> = (call: Call<O>) => Promise<FalconResult | undefined>;

/** One handler per Falcon operation of the registry: a missing or misspelt one is a type error. */
export type FalconHandlers = { [O in FalconOperation as O['operationId']]: FalconHandler<O> };

/** The handlers of one part of the dialect (sessions, hosts, ...), merged into FalconHandlers. */
export type SomeFalconHandlers = Partial<FalconHandlers>;
