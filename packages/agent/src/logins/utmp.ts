import fs from 'node:fs/promises';

/**
 * Linux's utmp/wtmp/btmp records (glibc `struct utmp` on every 64-bit and 32-bit Linux ABI that
 * keeps 32-bit times for compatibility): 384 bytes each, little- or native-endian as written by
 * the host, read here as little-endian (x86, arm64, riscv).
 */
export const UTMP_RECORD_SIZE = 384;

export const UtmpType = { BOOT_TIME: 2, LOGIN_PROCESS: 6, USER_PROCESS: 7, DEAD_PROCESS: 8 } as const;

export interface UtmpRecord {
  type: number;
  pid: number;
  line: string;
  user: string;
  host: string;
  /** Seconds since the epoch, with microseconds. */
  time: Date;
  /** IPv4 or IPv6 source address, '' when none was recorded. */
  address: string;
}

function cString(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function address(buf: Buffer, at: number): string {
  const words = [0, 1, 2, 3].map((i) => buf.readUInt32LE(at + i * 4));
  if (words.every((w) => w === 0)) return '';
  // Only the first word set: an IPv4 address in network byte order.
  if (words[1] === 0 && words[2] === 0 && words[3] === 0) return [...buf.subarray(at, at + 4)].join('.');
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(buf.readUInt16BE(at + i).toString(16));
  return parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Every whole record in a utmp-format buffer; a trailing partial record is ignored. */
export function parseUtmp(buf: Buffer): UtmpRecord[] {
  const out: UtmpRecord[] = [];
  for (let at = 0; at + UTMP_RECORD_SIZE <= buf.length; at += UTMP_RECORD_SIZE) {
    const r = buf.subarray(at, at + UTMP_RECORD_SIZE);
    const seconds = r.readInt32LE(340);
    const micros = r.readInt32LE(344);
    out.push({
      type: r.readInt16LE(0),
      pid: r.readInt32LE(4),
      line: cString(r, 8, 32),
      user: cString(r, 44, 32),
      host: cString(r, 76, 256),
      time: new Date(seconds * 1000 + Math.floor(micros / 1000)),
      address: address(r, 348),
    });
  }
  return out;
}

/** The records of a utmp-format file, or none when it is absent or unreadable. */
export async function readUtmpFile(file: string, maxBytes = 64 * 1024 * 1024): Promise<UtmpRecord[]> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    // The newest records are at the end: read at most the last maxBytes, on a record boundary.
    const length = Math.min(size - (size % UTMP_RECORD_SIZE), maxBytes - (maxBytes % UTMP_RECORD_SIZE));
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - (size % UTMP_RECORD_SIZE) - length);
    return parseUtmp(buf);
  } finally {
    await handle.close();
  }
}
