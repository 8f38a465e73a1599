import type { Core, RtrCaller, RtrSession } from '@riposte/core';
import type { Call } from '../call.ts';
import type { LibraryLookup, Tier, TranslateContext } from './catalog.ts';

/** The API client behind an RTR call, and the highest tier its scopes give it. */
export interface RtrPrincipal extends RtrCaller {
  role: Tier;
}

export function callerOf(call: Call): RtrPrincipal {
  const p = call.principal;
  if (!p) throw new Error('RTR operations require an authenticated principal');
  const role: Tier = p.scopes.has('real-time-response-admin:write') ? 'admin' : p.scopes.has('real-time-response:write') ? 'active' : 'read';
  return { client_id: p.client_id, client_name: p.client_name, role };
}

/**
 * The libraries as one caller sees them: another client's private script, or a group script for
 * a non-admin, is simply not there. Lookups are cached for the request (a batch asks once, not
 * once per host).
 */
export function libraryFor(core: Core, caller: RtrPrincipal): LibraryLookup {
  const files = new Map<string, ReturnType<LibraryLookup['putFile']>>();
  const scripts = new Map<string, ReturnType<LibraryLookup['script']>>();
  return {
    putFile(name) {
      if (!files.has(name)) files.set(name, core.rtrLibrary.putFiles.getByName(name));
      return files.get(name)!;
    },
    script(name) {
      if (!scripts.has(name)) scripts.set(name, core.rtrLibrary.scripts.getByName(name, { client_id: caller.client_id, admin: caller.role === 'admin' }));
      return scripts.get(name)!;
    },
    falconScript(name) {
      return core.rtrLibrary.falconScripts.getByName(name);
    },
  };
}

export function translateContext(session: RtrSession, caller: RtrPrincipal, library: LibraryLookup): TranslateContext {
  return { platform: session.platform, caller: { client_id: caller.client_id, role: caller.role }, library };
}
