import crypto from 'node:crypto';

/**
 * Entity and group ids are derived from what names them (type, domain, account or host name), so
 * a sensor reporting the same directory again, or two sensors of one domain, land on one entity.
 */
export function identityId(kind: string, domain: string, nameKey: string): string {
  const h = crypto.createHash('sha256').update(`${kind}|${domain.toUpperCase()}|${nameKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `DOMAIN\\user`, `user@domain.tld` and `user` all name the account `user`. */
export function accountKey(name: string): string {
  const s = name.includes('\\') ? name.slice(name.lastIndexOf('\\') + 1) : name.includes('@') ? name.slice(0, name.indexOf('@')) : name;
  return s.trim().toLowerCase();
}

export function hostKey(name: string): string {
  return name.trim().toLowerCase().replace(/\$$/, '').split('.')[0];
}
