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

export function nowIso(): string {
  return new Date().toISOString();
}
