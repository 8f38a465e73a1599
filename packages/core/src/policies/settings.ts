import type { Capability } from '../guard/index.ts';
import { PLATFORM_NAMES, type PlatformName } from '../platform.ts';
import { badRequest } from '../util/errors.ts';

export const DEFAULT_POLICY_NAME = 'platform_default';
/** Sorts after any real precedence: the default is always last. */
export const DEFAULT_PRECEDENCE = 1_000_000_000;

export type SettingId =
  | 'RealTimeFunctionality'
  | 'CustomScripts'
  | 'FalconScripts'
  | 'GetCommand'
  | 'PutCommand'
  | 'MemDumpCommand'
  | 'XMemDumpCommand'
  | 'ExecCommand'
  | 'PutAndRunCommand';

/** Setting id -> on/off; holds exactly the settings the policy's platform offers. */
export type PolicySettings = Partial<Record<SettingId, boolean>>;

interface SettingDefinition {
  id: SettingId;
  /** The vendor's display name (the command name for the high-risk commands). */
  name: string;
  category: 'Enable/Disable' | 'Custom scripts' | 'High risk commands';
  platforms: readonly PlatformName[];
  description: string;
}

const ALL = PLATFORM_NAMES;

/** Every setting, in the order the vendor lists them within their categories. */
export const SETTINGS: readonly SettingDefinition[] = [
  {
    id: 'RealTimeFunctionality',
    name: 'Real Time Response',
    category: 'Enable/Disable',
    platforms: ALL,
    description: 'Allow those with Real Time Responder roles to remotely connect to hosts. Required for all RTR commands and scripts.',
  },
  { id: 'CustomScripts', name: 'Custom Scripts', category: 'Custom scripts', platforms: ALL, description: 'Allow active responders and administrators to run custom scripts.' },
  {
    id: 'FalconScripts',
    name: 'Falcon Scripts',
    category: 'Custom scripts',
    // The vendor offers it on Windows only; riposte ships Falcon scripts for every platform and
    // lets this setting govern them everywhere (a riposte extension on Linux and Mac).
    platforms: ALL,
    description: 'Allow administrators to run Falcon scripts. Requires Custom Scripts.',
  },
  { id: 'GetCommand', name: 'get', category: 'High risk commands', platforms: ALL, description: 'Extract files from a remote host.' },
  { id: 'PutCommand', name: 'put', category: 'High risk commands', platforms: ALL, description: 'Send files to a remote host.' },
  // Windows as the vendor; Linux is a riposte extension (its agent dumps /proc/<pid>/mem).
  { id: 'MemDumpCommand', name: 'memdump', category: 'High risk commands', platforms: ['Windows', 'Linux'], description: 'Dump process memory of a remote host.' },
  { id: 'XMemDumpCommand', name: 'xmemdump', category: 'High risk commands', platforms: ['Windows'], description: 'Dump the complete memory of a remote host.' },
  { id: 'ExecCommand', name: 'run', category: 'High risk commands', platforms: ALL, description: 'Run any executable on the remote host.' },
  {
    id: 'PutAndRunCommand',
    name: 'put-and-run',
    category: 'High risk commands',
    platforms: ['Windows', 'Mac'],
    description: 'Send files to a secure directory on a remote host and execute them with a single command.',
  },
];

const BY_ID = new Map(SETTINGS.map((s) => [s.id, s]));
const CATEGORIES = ['Enable/Disable', 'Custom scripts', 'High risk commands'] as const;

export function settingsOf(platform: PlatformName): SettingDefinition[] {
  return SETTINGS.filter((s) => s.platforms.includes(platform));
}

/**
 * A new policy starts with every setting off (and disabled as a whole), as the vendor's own
 * tooling creates them: nothing is granted until an administrator grants it.
 */
export function newPolicySettings(platform: PlatformName): PolicySettings {
  return Object.fromEntries(settingsOf(platform).map((s) => [s.id, false]));
}

/**
 * The platform defaults, as the vendor ships them (the 0006 migration holds its own copy):
 * remote connection on, so responders can investigate with the read-only and active-responder
 * commands on any host; custom scripts, Falcon scripts and every high-risk command off until an
 * administrator turns them on for the hosts that need them.
 */
export function platformDefaultSettings(platform: PlatformName): PolicySettings {
  return { ...newPolicySettings(platform), RealTimeFunctionality: true };
}

/** What a request writes: `[{id, value}]` with value `{"enabled": true|false}`. */
export interface SettingWrite {
  id: string;
  value: unknown;
}

/**
 * `base` with `writes` applied, after checking ids, value types, platform availability and the
 * consistency rules. Throws a 400 naming the first problem.
 */
export function applySettingWrites(platform: PlatformName, base: PolicySettings, writes: readonly SettingWrite[], policyName: string): PolicySettings {
  const out: PolicySettings = { ...base };
  const seen = new Set<string>();
  for (const w of writes) {
    const def = BY_ID.get(w.id as SettingId);
    if (!def) throw badRequest(`unknown response policy setting "${w.id}"; known settings are: ${SETTINGS.map((s) => s.id).join(', ')}`);
    if (seen.has(w.id)) throw badRequest(`setting ${w.id} is given more than once for policy "${policyName}"`);
    seen.add(w.id);
    if (!def.platforms.includes(platform)) {
      throw badRequest(`setting ${w.id} (${def.name}) is not available on ${platform}; it exists on ${def.platforms.join(' and ')} only`);
    }
    out[def.id] = toggleValue(w);
  }
  checkConsistency(platform, out, policyName);
  return out;
}

function toggleValue(w: SettingWrite): boolean {
  const v = w.value;
  const ok = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { enabled?: unknown }).enabled === 'boolean';
  if (!ok) throw badRequest(`setting ${w.id}: value must be {"enabled": true} or {"enabled": false}, got ${JSON.stringify(v) ?? 'nothing'}`);
  return (v as { enabled: boolean }).enabled;
}

/** The vendor's rules: every command toggle needs RealTimeFunctionality; FalconScripts needs CustomScripts. */
export function checkConsistency(platform: PlatformName, s: PolicySettings, policyName: string): void {
  if (!s.RealTimeFunctionality) {
    const on = settingsOf(platform).filter((d) => d.id !== 'RealTimeFunctionality' && s[d.id]);
    if (on.length) {
      throw badRequest(`policy "${policyName}": ${on.map((d) => d.id).join(', ')} require RealTimeFunctionality to be enabled`);
    }
  }
  if (s.FalconScripts && !s.CustomScripts) throw badRequest(`policy "${policyName}": FalconScripts requires CustomScripts to be enabled`);
}

/** Stored settings, reduced to the platform's settings (missing ones read as off). */
export function normalizeSettings(platform: PlatformName, stored: PolicySettings): PolicySettings {
  return Object.fromEntries(settingsOf(platform).map((d) => [d.id, stored[d.id] === true]));
}

export interface SettingView {
  id: SettingId;
  name: string;
  type: 'toggle';
  value: { enabled: boolean };
  description: string;
}

export interface SettingCategoryView {
  name: string;
  settings: SettingView[];
}

/** Settings as the API reads them back: categories of toggles. */
export function settingCategories(platform: PlatformName, s: PolicySettings): SettingCategoryView[] {
  const defs = settingsOf(platform);
  return CATEGORIES.map((name) => ({
    name,
    settings: defs
      .filter((d) => d.category === name)
      .map((d) => ({ id: d.id, name: d.name, type: 'toggle' as const, value: { enabled: s[d.id] === true }, description: d.description })),
  })).filter((c) => c.settings.length > 0);
}

/** The setting that governs a capability (beyond RealTimeFunctionality, which governs all). */
export const CAPABILITY_SETTING: Record<Capability, SettingId> = {
  session: 'RealTimeFunctionality',
  command: 'RealTimeFunctionality',
  get: 'GetCommand',
  put: 'PutCommand',
  run: 'ExecCommand',
  'put-and-run': 'PutAndRunCommand',
  'custom-script': 'CustomScripts',
  'falcon-script': 'FalconScripts',
  memdump: 'MemDumpCommand',
  xmemdump: 'XMemDumpCommand',
};

/**
 * Why a policy refuses a capability on a host of `platform`, or undefined when it allows it.
 * RealTimeFunctionality off refuses everything; a setting the platform does not offer refuses
 * its capability (no policy can grant what the vendor does not offer on that platform).
 */
export function refusalReason(platform: PlatformName, s: PolicySettings, capability: Capability): { setting: SettingId; why: string } | undefined {
  if (!s.RealTimeFunctionality) return { setting: 'RealTimeFunctionality', why: 'disables RealTimeFunctionality (Real Time Response)' };
  const id = CAPABILITY_SETTING[capability];
  if (id === 'RealTimeFunctionality') return undefined;
  const def = BY_ID.get(id)!;
  if (!def.platforms.includes(platform)) return { setting: id, why: `cannot allow ${id} (${def.name}): the setting is not available on ${platform}` };
  if (capability === 'falcon-script' && !s.CustomScripts) return { setting: 'CustomScripts', why: 'disables CustomScripts (Custom Scripts)' };
  if (!s[id]) return { setting: id, why: `disables ${id} (${def.name})` };
  return undefined;
}

