import type { ExpressionBuilder } from 'kysely';
import type { Actor } from '../actor.ts';
import type { Database } from '../db/index.ts';
import type { LibraryViewer } from './index.ts';

/** An RTR user's tier, as its scopes give it. */
export type ScriptUserTier = 'read' | 'active' | 'admin';

/**
 * Who may use a custom script, by its `permission_type` (the vendor's rule): its owner always;
 * `public` scripts active responders and admins; `group` scripts admins; `private` scripts
 * nobody else. The one statement of the rule: the SQL form below says the same.
 */
export function scriptUsableBy(script: { permission_type: string; created_by_uuid: string }, user: Actor & { tier: ScriptUserTier }): boolean {
  if (script.created_by_uuid === user.id) return true;
  if (script.permission_type === 'public') return user.tier !== 'read';
  if (script.permission_type === 'group') return user.tier === 'admin';
  return false;
}

/** A library viewer's tier: the library API needs the admin scope, so a viewer is an admin unless it says otherwise. */
function tierOf(viewer: LibraryViewer): ScriptUserTier {
  return viewer.admin === false ? 'active' : 'admin';
}

/** `scriptUsableBy` as a condition over `rtr_scripts`, for listing and looking up. */
export function visibleTo(viewer: LibraryViewer) {
  const tier = tierOf(viewer);
  return (eb: ExpressionBuilder<Database, 'rtr_scripts'>) =>
    eb.or([
      eb('rtr_scripts.created_by_uuid', '=', viewer.id),
      ...(tier !== 'read' ? [eb('rtr_scripts.permission_type', '=', 'public')] : []),
      ...(tier === 'admin' ? [eb('rtr_scripts.permission_type', '=', 'group')] : []),
    ]);
}
