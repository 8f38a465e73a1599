import type { Actor, Capability, Platform } from '@riposte/core';
import type { OptionSpec, ParsedArgs } from './command-line.ts';

/** The types of the Falcon RTR command vocabulary (the table is command-table.ts, lookups catalog.ts). */

/** Falcon's three RTR roles, lowest first; each endpoint accepts its own tier and those below. */
export type Tier = 'read' | 'active' | 'admin';
export const TIER_RANK: Record<Tier, number> = { read: 0, active: 1, admin: 2 };
export const TIER_LABEL: Record<Tier, string> = { read: 'read-only', active: 'active-responder', admin: 'admin' };

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

export interface PositionalSpec {
  name: string;
  required: boolean;
  description: string;
}

export interface CommandDef {
  /** `ls`, or `reg query` for commands with sub-commands. */
  command: string;
  base: string;
  tier: Tier;
  description: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  examples: string[];
  /** Platforms the command exists on (default: all). */
  platforms?: Platform[];
  translate(p: ParsedArgs, ctx: TranslateContext): Translation | Promise<Translation>;
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
