import { describe, expect, it, vi } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { FqlError, ServiceError } from '@riposte/core';
import { RateLimited, toFault } from './errors.ts';

const request = () => {
  const error = vi.fn();
  return { request: { log: { error } } as unknown as FastifyRequest, error };
};

describe('toFault', () => {
  it('keeps the kind and status of a catalogued error, and a filter error is bad input', () => {
    const { request: r } = request();
    expect(toFault(new ServiceError('host_offline', 'Sensor appears to be offline'), r)).toEqual({ kind: 'host_offline', status: 404, message: 'Sensor appears to be offline' });
    expect(toFault(new FqlError('Invalid FQL filter at position 3: x', 3), r)).toMatchObject({ kind: 'bad_input', status: 400 });
    const limited = new RateLimited(1234, 10);
    expect(toFault(limited, r)).toMatchObject({ kind: 'too_many_requests', status: 429, rateLimited: limited });
  });

  it('describes a schema failure for the dialect to word', () => {
    const { request: r } = request();
    const err = Object.assign(new Error('body must NOT have additional properties'), {
      validation: [{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'nope' }, message: 'must NOT have additional properties' }],
      validationContext: 'body',
    });
    expect(toFault(err, r)).toEqual({
      kind: 'bad_input',
      status: 400,
      message: 'body must NOT have additional properties',
      invalid: { where: 'body', field: 'nope', unknownField: 'nope', message: 'must NOT have additional properties', summary: 'body must NOT have additional properties' },
    });
  });

  it('names malformed JSON, keeps other client faults, and hides a server fault behind a logged 500', () => {
    const { request: r, error } = request();
    expect(toFault(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }), r)).toMatchObject({ kind: 'bad_input', status: 400, message: 'malformed JSON body: Unexpected token' });
    expect(toFault(Object.assign(new Error('too big'), { statusCode: 413 }), r)).toMatchObject({ kind: 'too_large', status: 413, message: 'too big' });
    expect(error).not.toHaveBeenCalled();
    expect(toFault(new Error('secret detail'), r)).toEqual({ kind: 'internal', status: 500, message: 'internal server error' });
    expect(error).toHaveBeenCalledOnce();
  });
});
