import net from 'node:net';
import { badRequest } from '../util/errors.ts';

/**
 * A CIDR block (`10.0.0.0/8`, `2001:db8::/32`; a bare address is its own /32 or /128), in the
 * canonical spelling nftables takes. Host bits must be zero, as nftables requires.
 */
export function parseCidr(text: string): string {
  const m = /^([^/\s]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const family = m ? net.isIP(m[1]) : 0;
  if (!m || !family) throw badRequest(`containment allow-list entry "${text.slice(0, 100)}" is not a CIDR block (such as 10.0.0.0/8 or 2001:db8::/32)`);
  const bits = family === 4 ? 32 : 128;
  const prefix = m[2] === undefined ? bits : Number(m[2]);
  if (prefix > bits) throw badRequest(`containment allow-list entry "${text}": prefix /${prefix} is longer than ${bits} bits`);
  const address = m[1].toLowerCase();
  if (address.includes('.') && family === 6) throw badRequest(`containment allow-list entry "${text}": write IPv4 blocks as IPv4`);
  if (!hostBitsZero(address, family, prefix)) throw badRequest(`containment allow-list entry "${text}" has host bits set after /${prefix}`);
  return `${address}/${prefix}`;
}

function hostBitsZero(address: string, family: number, prefix: number): boolean {
  const bytes = family === 4 ? address.split('.').map(Number) : expand6(address);
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if (bytes[bit >> 3] & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

function expand6(address: string): number[] {
  const [head, tail = ''] = address.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = address.includes('::') ? words(tail) : [];
  const all = [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((w) => [w >> 8, w & 255]);
}
