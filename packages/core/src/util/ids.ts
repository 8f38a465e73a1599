import crypto from 'node:crypto';

/** A Falcon-style id: 32 lowercase hex characters. */
export function newId(): string {
  return crypto.randomBytes(16).toString('hex');
}

export function isFalconId(s: string): boolean {
  return /^[0-9a-f]{32}$/.test(s);
}

/** A random secret of `bytes` bytes, URL-safe. */
export function newSecret(bytes = 30): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

let lastMs = 0;
let lastIso = new Date(0).toISOString();

/** The current time as ISO text; formatted once per millisecond (a fan-out asks 10,000 times within a few). */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
