// The "riposte-memdump/1" file header, written alike by the real agent's memdump and the simulator's.

/** A region as the header lists it: its addresses, and where its bytes are in the file. */
export interface MemdumpRegion {
  start: string;
  end: string;
  perms: string;
  mapping: string;
  /** Absolute offset of the region's first byte in the dump file. */
  file_offset: number;
  size: number;
}

/** The JSON header line, padded with spaces to `width` bytes when given. */
export function memdumpHeader(pid: number, created: string, regions: readonly MemdumpRegion[], width?: number): Buffer {
  const json = JSON.stringify({ format: 'riposte-memdump/1', pid, created, regions });
  const line = Buffer.from(`${json}\n`, 'utf8');
  if (width === undefined) return line;
  return Buffer.concat([Buffer.from(json, 'utf8'), Buffer.alloc(width - line.length, ' '), Buffer.from('\n')]);
}
