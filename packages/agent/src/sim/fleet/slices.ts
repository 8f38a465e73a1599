// Which hosts a fleet, or one process of it, runs, and a bounded way to go through them.

import type { Platform } from '../../commands/index.ts';
import type { FleetIdentityOptions, FleetPlatform, FleetSlice } from './options.ts';

const MIXED: readonly Platform[] = ['windows', 'linux', 'mac'];

/** The platform of host `index` in a fleet: a mixed fleet cycles Windows, Linux, Mac. */
export function fleetPlatformAt(platform: FleetPlatform, index: number): Platform {
  return platform === 'mixed' ? MIXED[index % MIXED.length] : platform;
}

/** Split `count` hosts into `parts` contiguous slices of (nearly) equal size. */
export function splitFleet(count: number, parts: number): FleetSlice[] {
  const n = Math.max(1, Math.min(parts, count));
  const out: FleetSlice[] = [];
  for (let i = 0; i < n; i++) out.push({ first: Math.floor((count * i) / n), end: Math.floor((count * (i + 1)) / n) });
  return out;
}

export function indexes(slice: FleetSlice): number[] {
  return Array.from({ length: Math.max(0, slice.end - slice.first) }, (_, i) => slice.first + i);
}

export function sliceOf(opts: FleetIdentityOptions): FleetSlice {
  const slice = opts.slice ?? { first: 0, end: opts.count };
  if (!(Number.isSafeInteger(slice.first) && Number.isSafeInteger(slice.end) && slice.first >= 0 && slice.end <= opts.count && slice.first <= slice.end)) {
    throw new RangeError(`slice ${slice.first}:${slice.end} is not within a fleet of ${opts.count}`);
  }
  return slice;
}

/** Run `fn` over `items` with at most `limit` calls in flight; the first failure stops the rest. */
export async function bounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
}
