import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { UTMP_RECORD_SIZE } from './utmp.ts';

/** One record of a test's own utmp file. */
export interface FixtureRecord {
  type: number;
  pid: number;
  line: string;
  id: string;
  user: string;
  host: string;
  /** Dotted IPv4, or '' for none. */
  ipv4: string;
  time: Date;
}

/**
 * Writes records as a utmp-format file: with util-linux's `utmpdump -r` when it is installed (so
 * the bytes come from the OS's own tool, not from the code under test), else laid out here.
 */
export function writeUtmpFixture(file: string, records: FixtureRecord[]): 'utmpdump' | 'own writer' {
  const probe = spawnSync('utmpdump', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) {
    const text = records
      .map((r) => `[${r.type}] [${String(r.pid).padStart(5, '0')}] [${r.id}] [${r.user}] [${r.line}] [${r.host}] [${r.ipv4 || '0.0.0.0'}] [${r.time.toISOString().replace(/\.(\d{3})Z$/, ',$1000+00:00')}]`)
      .join('\n');
    const out = spawnSync('utmpdump', ['-r', '-o', file], { input: `${text}\n`, encoding: 'utf8' });
    if (out.status === 0 && fs.statSync(file).size === records.length * UTMP_RECORD_SIZE) return 'utmpdump';
  }
  const buf = Buffer.alloc(records.length * UTMP_RECORD_SIZE);
  records.forEach((r, i) => {
    const at = i * UTMP_RECORD_SIZE;
    buf.writeInt16LE(r.type, at);
    buf.writeInt32LE(r.pid, at + 4);
    buf.write(r.line, at + 8, 32);
    buf.write(r.id, at + 40, 4);
    buf.write(r.user, at + 44, 32);
    buf.write(r.host, at + 76, 256);
    buf.writeInt32LE(Math.floor(r.time.getTime() / 1000), at + 340);
    buf.writeInt32LE((r.time.getTime() % 1000) * 1000, at + 344);
    if (r.ipv4) r.ipv4.split('.').forEach((octet, k) => buf.writeUInt8(Number(octet), at + 348 + k));
  });
  fs.writeFileSync(file, buf);
  return 'own writer';
}
