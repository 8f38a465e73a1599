import { describe, expect, it } from 'vitest';
import { CursorCodec } from './cursors.ts';

describe('CursorCodec', () => {
  const codec = new CursorCodec('k'.repeat(64));

  it('binds a cursor to its query whatever order the arguments came in', () => {
    const a = CursorCodec.queryHash({ types: ['USER'], sortKey: 'RISK_SCORE', desc: true, watched: undefined });
    const b = CursorCodec.queryHash({ desc: true, sortKey: 'RISK_SCORE', types: ['USER'] });
    expect(a).toBe(b);
    const cursor = codec.encode(a, [0.5, 'id-1']);
    expect(codec.decode(cursor, b)).toEqual([0.5, 'id-1']);
    expect(() => codec.decode(cursor, CursorCodec.queryHash({ types: ['ENDPOINT'], sortKey: 'RISK_SCORE', desc: true }))).toThrow(/different query/);
  });

  it('refuses a forged or altered cursor', () => {
    const hash = CursorCodec.queryHash({ q: 1 });
    const cursor = codec.encode(hash, ['x', 'y']);
    const [body, sig] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify([hash, ['z', 'y']])).toString('base64url')}.${sig}`;
    expect(() => codec.decode(forged, hash)).toThrow(/invalid cursor/);
    expect(() => codec.decode(`${body}.`, hash)).toThrow(/invalid cursor/);
    expect(() => new CursorCodec('other').decode(cursor, hash)).toThrow(/invalid cursor/);
  });
});
