import { describe, expect, it } from 'vitest';
import { allCbGrants, parseCbGrants } from './permissions.ts';
import { carbonBlackOperations } from './index.ts';

describe('Carbon Black permissions', () => {
  it('parses grants, operation lists and "all" into canonical grants', () => {
    expect(parseCbGrants('org.liveresponse.session:create+READ, device:read')).toEqual(['device:READ', 'org.liveresponse.session:CREATE', 'org.liveresponse.session:READ']);
    expect(parseCbGrants('all')).toEqual(allCbGrants().sort());
    expect(allCbGrants()).toContain('org.liveresponse:DELETE');
  });

  it('names what is wrong', () => {
    expect(() => parseCbGrants('org.liveresponse.sessions:READ')).toThrow(/unknown permission "org.liveresponse.sessions"/);
    expect(() => parseCbGrants('org.liveresponse.memdump:DELETE')).toThrow(/has no operation DELETE; it has READ/);
    expect(() => parseCbGrants('org.liveresponse.file')).toThrow(/needs operations, e.g. org.liveresponse.file:CREATE\+READ\+DELETE/);
    expect(() => parseCbGrants(' , ')).toThrow(/no permissions given/);
  });

  it('every operation asks for a grant that exists', () => {
    const grants = new Set(allCbGrants());
    for (const op of carbonBlackOperations) expect(grants.has(op.scope!), op.operationId).toBe(true);
  });
});
