// File contents in the virtual file system. Bytes written by commands are kept as a Buffer; what
// the host was generated with is kept as a recipe (seeded noise for binaries, dumps and hives; a
// render function for text), expanded only when read, so `ls` can report realistic sizes without
// any host holding the bytes. Constant text shared by all hosts may be a plain string.

import { isUtf8 } from 'node:buffer';
import crypto from 'node:crypto';
import { noise } from './prng.ts';

/** Bytes that are regenerated on demand: `header` followed by seeded noise, `size` bytes in all. */
export interface Synthetic {
  readonly size: number;
  readonly seed: number;
  /** Magic and banner so the file looks like what it claims to be (MZ…, ELF…); latin1. */
  readonly header: string;
}

/**
 * Text regenerated on every read. Its UTF-8 length is measured on first need and kept, so building
 * a host renders nothing and listing a directory renders only what it lists, once.
 */
export class Generated {
  #size = -1;

  constructor(readonly render: () => string) {}

  get size(): number {
    if (this.#size < 0) this.#size = Buffer.byteLength(this.render());
    return this.#size;
  }
}

export type Content = string | Buffer | Synthetic | Generated;

export function contentSize(c: Content): number {
  if (typeof c === 'string') return Buffer.byteLength(c);
  return Buffer.isBuffer(c) ? c.length : c.size;
}


/** The bytes, or only the first `limit` of them. */
export function contentBytes(c: Content, limit = Infinity): Buffer {
  if (typeof c === 'string' || c instanceof Generated) {
    const all = Buffer.from(typeof c === 'string' ? c : c.render());
    return limit < all.length ? all.subarray(0, limit) : all;
  }
  if (Buffer.isBuffer(c)) return limit < c.length ? c.subarray(0, limit) : c;
  const buf = noise(Math.min(c.size, limit), c.seed);
  buf.write(c.header, 0, 'latin1');
  return buf;
}

export function digests(c: Content): { md5: string; sha256: string } {
  const bytes = contentBytes(c);
  return {
    md5: crypto.createHash('md5').update(bytes).digest('hex'),
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Whether bytes are shown as text (valid UTF-8 without NULs) rather than base64. */
export function isText(bytes: Buffer): boolean {
  return !bytes.includes(0) && isUtf8(bytes);
}
