import type { Actor, Capability, Platform } from '@riposte/core';
import type { RtrCommandSyntax, RtrTier } from '@riposte/spec';
import type { ParsedArgs } from './command-line.ts';

/**
 * The types of the Falcon RTR command vocabulary: the commands' syntax is @riposte/spec's
 * RTR_COMMANDS, their translations command-table.ts, the lookups catalog.ts.
 */

/** Falcon's three RTR roles, lowest first; each endpoint accepts its own tier and those below. */
export type Tier = RtrTier;
export { RTR_TIER_RANK as TIER_RANK, RTR_TIER_LABEL as TIER_LABEL } from '@riposte/spec';

/** The API client behind an RTR call, and the highest tier its scopes give it. */
export interface RtrPrincipal extends Actor {
  role: Tier;
}

/** A host's platform, in core's spelling (windows, linux, mac). */
export type { Platform };

/** What the libraries (put-files, custom scripts) answer; the shapes core.rtrLibrary returns. */
export interface PutFileRef {
  id: string;
  name: string;
  sha256: string;
  size: number;
}
export interface ScriptRef {
  id: string;
  name: string;
  content: string;
  platform: string[];
  permission_type: 'private' | 'group' | 'public' | string;
  created_by_uuid: string;
}
export interface LibraryLookup {
  putFile(name: string): Promise<PutFileRef | undefined>;
  script(name: string): Promise<ScriptRef | undefined>;
  falconScript(name: string): Promise<FalconScriptRef | undefined>;
}

/** What `falconscript` needs of a built-in Falcon script. */
export interface FalconScriptRef {
  name: string;
  content: string;
  platform: Platform[];
  parameters: string[];
}

export interface TranslateContext {
  platform: Platform;
  /** Decides script visibility. */
  caller: RtrPrincipal;
  library: LibraryLookup;
}

/** A command for the host: internal name, arguments, policy capability, and the agent-side limit. */
export interface AgentTranslation {
  kind: 'agent';
  name: string;
  args: Record<string, unknown>;
  capability: Capability;
  timeout_ms: number;
  /** put-and-run: the `run` issued once the put has landed (its executable is where it landed). */
  then?: { name: 'run'; args: Record<string, unknown>; timeout_ms: number };
}
export interface ServerTranslation {
  kind: 'server';
  action: 'help' | 'history' | 'clear';
  topic?: string;
}
export type Translation = AgentTranslation | ServerTranslation;

/** How one command of the language reaches a host (or is answered by the server). */
export type Translate = (p: ParsedArgs, ctx: TranslateContext) => Translation | Promise<Translation>;

/** A command's syntax (spec) with its translation. */
export interface CommandDef extends RtrCommandSyntax {
  translate: Translate;
}


/** Most commands: a couple of minutes on the agent. */
export const SHORT_MS = 120_000;
/** Commands that move or produce much data (get, put, memdump, run). */
export const LONG_MS = 600_000;

export const agentTranslation = (name: string, args: Record<string, unknown>, capability: Capability = 'command', timeout_ms = SHORT_MS): AgentTranslation => ({
  kind: 'agent',
  name,
  args,
  capability,
  timeout_ms,
});
