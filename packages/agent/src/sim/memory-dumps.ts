// Memory dumps of simulated processes, in the real agent's "riposte-memdump/1" format (a JSON
// header line listing the regions, then their bytes), so tools that read real dumps read these.
// Region bytes are seeded noise and sizes are scaled down (≤ 4 MiB) to keep thousands of hosts cheap.

import { memdumpHeader, type MemdumpRegion, type ProcessInfo } from '../commands/index.ts';
import type { Synthetic } from './content.ts';
import { MAGIC } from './fs-layout.ts';
import type { HostProfile } from './host-profile.ts';
import { hash32, rngFor } from './prng.ts';

const PAGE = 4096;
const MIN_DUMP = 256 * 1024;
const MAX_DUMP = 4 * 1024 * 1024;
/** Full-memory dumps are a fixed sample size, not the host's RAM. */
const FULL_DUMP = 8 * 1024 * 1024;

export function processDump(p: HostProfile, proc: ProcessInfo, created: string): { content: Synthetic; regions: number } {
  const rng = rngFor(p.seed, `memdump/${proc.pid}`);
  const total = clamp(Math.floor(proc.memory_bytes / 32 / PAGE) * PAGE, MIN_DUMP, MAX_DUMP);
  const libraries = p.platform === 'windows'
    ? ['C:\\Windows\\System32\\ntdll.dll', 'C:\\Windows\\System32\\kernel32.dll', 'C:\\Windows\\System32\\KernelBase.dll', 'C:\\Windows\\System32\\ucrtbase.dll']
    : ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', '/usr/lib/x86_64-linux-gnu/libssl.so.3'];
  const count = rng.int(8, 32);
  const weights = Array.from({ length: count }, () => rng.int(1, 20));
  const sum = weights.reduce((a, b) => a + b, 0);
  // A page each, the rest shared by weight; the rounding remainder goes to the last region.
  const sizes = weights.map((w) => (1 + Math.floor(((total / PAGE - count) * w) / sum)) * PAGE);
  sizes[count - 1] += total - sizes.reduce((a, b) => a + b, 0);

  let address = p.platform === 'windows' ? 0x7ff6_0000_0000 + rng.int(0, 0xfff) * 0x10_0000 : 0x55d0_0000_0000 + rng.int(0, 0xfff) * 0x10_0000;
  const regions = sizes.map((size, i) => {
    const mapping = i === 0 ? proc.path : i === count - 1 ? (p.platform === 'windows' ? '' : '[stack]') : i === 1 ? '[heap]' : rng.chance(0.5) ? rng.pick(libraries) : '';
    const r = { start: address, end: address + size, perms: i === 0 ? 'r-xp' : rng.pick(['r--p', 'rw-p', 'r-xp']), mapping, size };
    address += size + rng.int(0, 64) * PAGE;
    return r;
  });

  // The header is padded to a width reserved up front, as the real writer does, so offsets are final.
  const describe = (firstOffset: number): MemdumpRegion[] => {
    let offset = firstOffset;
    return regions.map((r) => {
      const region = { start: `0x${r.start.toString(16)}`, end: `0x${r.end.toString(16)}`, perms: r.perms, mapping: r.mapping, file_offset: offset, size: r.size };
      offset += r.size;
      return region;
    });
  };
  const width = memdumpHeader(proc.pid, created, describe(Number.MAX_SAFE_INTEGER)).length;
  const header = memdumpHeader(proc.pid, created, describe(width), width).toString('utf8');
  return { content: { size: width + total, seed: hash32(`${p.seed}/memdump/${proc.pid}/${created}`), header }, regions: count };
}

/** A Windows full-memory dump (PAGEDU64 crash-dump signature, then noise). */
export function fullMemoryDump(p: HostProfile, created: string): Synthetic {
  return { size: FULL_DUMP, seed: hash32(`${p.seed}/xmemdump/${created}`), header: MAGIC.crashdump };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
