import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operation } from '@riposte/spec';
import type { TokenPrincipal } from '@riposte/core';
import type { FalconResult } from './envelope.ts';

/** One call of an operation, as a handler sees it: validated input and who is calling. */
export interface Call {
  op: Operation;
  query: any;
  body: any;
  params: any;
  principal?: TokenPrincipal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A Falcon handler returns what goes into the envelope, or undefined when it sent the reply itself (downloads). */
export type FalconHandler = (call: Call) => Promise<FalconResult | undefined>;

export type FalconHandlers = Record<string, FalconHandler>;
