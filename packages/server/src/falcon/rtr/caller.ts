import type { Core, RtrSession } from '@riposte/core';
import { actorOf, type Call } from '../call.ts';
import type { LibraryLookup, RtrPrincipal, Tier, TranslateContext } from './catalog.ts';

export function callerOf(call: Call): RtrPrincipal {
  const actor = actorOf(call);
  const scopes = call.principal?.scopes;
  const role: Tier = scopes?.has('real-time-response-admin:write') ? 'admin' : scopes?.has('real-time-response:write') ? 'active' : 'read';
  return { ...actor, role };
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
      if (!scripts.has(name)) scripts.set(name, core.rtrLibrary.scripts.getByName(name, { id: caller.id, admin: caller.role === 'admin' }));
      return scripts.get(name)!;
    },
    falconScript(name) {
      return core.rtrLibrary.falconScripts.getByName(name);
    },
  };
}

export function translateContext(session: RtrSession, caller: RtrPrincipal, library: LibraryLookup): TranslateContext {
  return { platform: session.platform, caller, library };
}
