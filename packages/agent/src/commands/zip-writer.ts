import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { CommandError } from './errors.ts';

/**
 * A minimal streaming ZIP writer (PKWARE APPNOTE 6.3): files are deflated with a trailing data
 * descriptor so nothing has to be buffered or rewritten; directories are empty stored entries.
 * No ZIP64: archives, members and offsets must stay under 4 GiB and 65535 entries.
 * The archive goes to a sink: a file for the real agent, memory for a simulated host.
 */

/** Takes the archive's bytes in order; resolves when it may take more. */
export type ZipSink = (bytes: Buffer) => Promise<void>;

/** A sink writing to an open file, all of each buffer. */
export function fileSink(out: FileHandle): ZipSink {
  return async (buf) => {
    let done = 0;
    while (done < buf.length) done += (await out.write(buf, done, buf.length - done)).bytesWritten;
  };
}

const LIMIT = 0xffffffff;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const VERSION_NEEDED = 20; // 2.0: deflate, directories
// "Version made by": high byte 3 = UNIX, so unzip tools honour the permission bits we store.
const VERSION_MADE_BY = process.platform === 'win32' ? VERSION_NEEDED : (3 << 8) | VERSION_NEEDED;

interface CentralEntry {
  name: Buffer;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  externalAttrs: number;
  offset: number;
}

export class ZipWriter {
  private position = 0;
  private readonly entries: CentralEntry[] = [];

  constructor(private readonly sink: ZipSink) {}

  get bytesWritten(): number {
    return this.position;
  }

  /** `name` uses `/` separators and ends with `/`. */
  async addDirectory(name: string, mtime: Date, mode: number): Promise<void> {
    const entry = this.newEntry(name, mtime, FLAG_UTF8, METHOD_STORE, (mode << 16) | 0x10 /* MS-DOS directory */);
    await this.write(localHeader(entry));
    this.entries.push(entry);
  }

  /** Deflates `content` into the archive, computing CRC-32 and sizes on the way. */
  async addFile(name: string, mtime: Date, mode: number, content: Readable, signal: AbortSignal): Promise<void> {
    const entry = this.newEntry(name, mtime, FLAG_UTF8 | FLAG_DATA_DESCRIPTOR, METHOD_DEFLATE, mode << 16);
    await this.write(localHeader(entry));
    await pipeline(
      content,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          entry.crc = zlib.crc32(chunk, entry.crc);
          entry.size += chunk.length;
          yield chunk;
        }
      },
      zlib.createDeflateRaw(),
      async (compressed: AsyncIterable<Buffer>) => {
        for await (const chunk of compressed) {
          await this.write(chunk);
          entry.compressedSize += chunk.length;
        }
      },
      { signal },
    );
    if (entry.size > LIMIT || entry.compressedSize > LIMIT) throw tooLarge();
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc, 4);
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    await this.write(descriptor);
    this.entries.push(entry);
  }

  /** Writes the central directory; the archive is complete afterwards. */
  async finish(): Promise<void> {
    if (this.entries.length > 0xffff) throw tooLarge();
    const start = this.position;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(VERSION_MADE_BY, 4);
      h.writeUInt16LE(VERSION_NEEDED, 6);
      h.writeUInt16LE(e.flags, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt16LE(e.time, 12);
      h.writeUInt16LE(e.date, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(e.compressedSize, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      // 30: extra length, 32: comment length, 34: disk number, 36: internal attributes — all 0
      h.writeUInt32LE(e.externalAttrs >>> 0, 38);
      h.writeUInt32LE(e.offset, 42);
      await this.write(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.position - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
  }

  private newEntry(name: string, mtime: Date, flags: number, method: number, externalAttrs: number): CentralEntry {
    const { time, date } = dosDateTime(mtime);
    return { name: Buffer.from(name, 'utf8'), flags, method, time, date, crc: 0, compressedSize: 0, size: 0, externalAttrs, offset: this.position };
  }

  private async write(buf: Buffer): Promise<void> {
    if (this.position + buf.length > LIMIT) throw tooLarge();
    await this.sink(buf);
    this.position += buf.length;
  }
}

/** Local header; CRC and sizes are 0 here and follow in the data descriptor (or are truly 0). */
function localHeader(e: CentralEntry): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(VERSION_NEEDED, 4);
  h.writeUInt16LE(e.flags, 6);
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(e.time, 10);
  h.writeUInt16LE(e.date, 12);
  h.writeUInt16LE(e.name.length, 26);
  return Buffer.concat([h, e.name]);
}

/** MS-DOS local date/time, 2-second resolution; the format only covers 1980–2107, so clamp. */
function dosDateTime(d: Date): { time: number; date: number } {
  if (d.getFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
  if (d.getFullYear() > 2107) return { time: (23 << 11) | (59 << 5) | 29, date: (127 << 9) | (12 << 5) | 31 };
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

const tooLarge = () => new CommandError('too_large', 'archive would exceed 4 GiB or 65535 entries (ZIP64 is not supported)');
