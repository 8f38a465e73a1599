import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, kindForStatus, ServiceError, type ErrorKind } from './errors.ts';

describe('error catalogue', () => {
  it('gives every error its kind\'s status', () => {
    for (const kind of Object.keys(ERROR_KINDS) as ErrorKind[]) {
      const err = new ServiceError(kind, 'x');
      expect(err).toMatchObject({ kind, status: ERROR_KINDS[kind], message: 'x', name: 'ServiceError' });
    }
  });

  it('names a kind for a status a parser reports, bad input for one outside the catalogue', () => {
    expect(kindForStatus(413)).toBe('too_large');
    expect(kindForStatus(415)).toBe('unsupported_media_type');
    expect(kindForStatus(404)).toBe('not_found');
    expect(kindForStatus(403)).toBe('forbidden');
    expect(kindForStatus(418)).toBe('bad_input');
  });
});
