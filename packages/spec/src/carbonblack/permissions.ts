/**
 * Carbon Black Cloud RBAC: an API key's access level is a set of `permission:OPERATION` grants
 * (`org.liveresponse.session:CREATE`). These are the ones the Live Response and Devices APIs check.
 */
export const CB_PERMISSIONS = {
  'org.liveresponse.session': ['CREATE', 'READ', 'DELETE'],
  'org.liveresponse.file': ['CREATE', 'READ', 'DELETE'],
  'org.liveresponse.process': ['READ', 'EXECUTE', 'DELETE'],
  'org.liveresponse.registry': ['CREATE', 'READ', 'UPDATE', 'DELETE'],
  'org.liveresponse.memdump': ['READ'],
  'org.liveresponse': ['DELETE'],
  device: ['READ'],
} as const satisfies Record<string, readonly string[]>;

export type CbPermission = keyof typeof CB_PERMISSIONS;

/** Every grant there is: what `--permissions all` and the bootstrap key hold. */
export function allCbGrants(): string[] {
  return Object.entries(CB_PERMISSIONS).flatMap(([p, ops]) => ops.map((op) => `${p}:${op}`));
}

/**
 * `org.liveresponse.session:CREATE`, `org.liveresponse.session:create+read` or `all`, comma-separated,
 * into canonical grants; throws naming the first unknown one.
 */
export function parseCbGrants(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw.toLowerCase() === 'all') {
      for (const g of allCbGrants()) out.add(g);
      continue;
    }
    const [perm, ops = ''] = raw.split(':');
    const allowed = (CB_PERMISSIONS as Record<string, readonly string[]>)[perm];
    if (!allowed) throw new Error(`unknown permission "${perm}"; known: ${Object.keys(CB_PERMISSIONS).join(', ')}`);
    const wanted = ops.split('+').map((o) => o.trim().toUpperCase()).filter(Boolean);
    if (wanted.length === 0) throw new Error(`permission "${perm}" needs operations, e.g. ${perm}:${allowed.join('+')}`);
    for (const op of wanted) {
      if (!allowed.includes(op)) throw new Error(`permission "${perm}" has no operation ${op}; it has ${allowed.join(', ')}`);
      out.add(`${perm}:${op}`);
    }
  }
  if (out.size === 0) throw new Error('no permissions given');
  return [...out].sort();
}
