import { describe, expect, it } from 'vitest';
import { scriptUsableBy, type ScriptUserTier } from './visibility.ts';

describe('scriptUsableBy (permission_type)', () => {
  const script = (permission_type: string, created_by_uuid = 'owner') => ({ permission_type, created_by_uuid });
  const user = (tier: ScriptUserTier, client_id = 'someone') => ({ id: client_id, tier });

  it('lets the owner use any of its scripts, whatever its tier', () => {
    for (const p of ['private', 'group', 'public']) expect(scriptUsableBy(script(p), user('read', 'owner'))).toBe(true);
  });

  it('gives public scripts to active responders and admins, group scripts to admins, private ones to nobody else', () => {
    const table = (['read', 'active', 'admin'] as const).map((t) => [t, ['private', 'group', 'public'].map((p) => scriptUsableBy(script(p), user(t)))]);
    expect(table).toEqual([
      ['read', [false, false, false]],
      ['active', [false, false, true]],
      ['admin', [false, true, true]],
    ]);
  });
});
