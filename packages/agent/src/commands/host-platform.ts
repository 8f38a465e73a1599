import type { Platform } from './types.ts';

/** The platform this process runs on, in the vocabulary's spelling. */
export function hostPlatform(): Platform {
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'darwin') return 'mac';
  return 'linux'; // other Unixes: best effort with the Linux code paths
}
