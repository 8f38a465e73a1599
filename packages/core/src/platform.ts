/**
 * The operating-system family of a host, spelled the two ways the APIs spell it: `platform_name`
 * on hosts and response policies (`Windows`), and the RTR and script-library platform (`windows`).
 * Every part of core uses these two types; nothing else names a platform.
 */

/** The family as RTR sessions, commands and library scripts name it. */
export type Platform = 'windows' | 'mac' | 'linux';

/** The family as hosts and response policies name it (`platform_name`). */
export type PlatformName = 'Windows' | 'Mac' | 'Linux';

/** In the vendor's order for policies and hosts. */
export const PLATFORM_NAMES: readonly PlatformName[] = ['Windows', 'Mac', 'Linux'];

export function isPlatformName(name: string): name is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(name);
}

/** A host's `platform_name` (or an OS name an agent reported) as the RTR platform. */
export function platformOf(platformName: string): Platform {
  const p = platformName.toLowerCase();
  return p.startsWith('win') ? 'windows' : p === 'mac' || p.startsWith('darwin') || p.startsWith('macos') ? 'mac' : 'linux';
}
