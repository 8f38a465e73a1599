import { Type, type Static } from '@sinclair/typebox';

/**
 * What an identity sensor reports over the control channel (`{t: 'identity', report}`): the
 * directory it watches (a domain controller's users, groups and computers, or a host's local
 * accounts) and the authentications it saw. Large directories and event streams are sent in
 * several frames; each frame stands alone.
 */

const Name = Type.String({ minLength: 1, maxLength: 256 });
const Text = Type.String({ maxLength: 1024 });
const Iso = Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T' });

export const IdentityUserSchema = Type.Object(
  {
    sam_account_name: Name,
    display_name: Type.Optional(Text),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    ou: Type.Optional(Text),
    department: Type.Optional(Text),
    enabled: Type.Boolean(),
    /** Member of a privileged group (Domain Admins, sudo, wheel…). */
    privileged: Type.Boolean(),
    /** A programmatic account (services, daemons) rather than a person. */
    service_account: Type.Boolean(),
    /** The directory's built-in administrator (RID 500, uid 0). */
    builtin_admin: Type.Optional(Type.Boolean()),
    /** Absent when the sensor cannot read it (e.g. /etc/shadow unreadable). */
    password_last_set: Type.Optional(Iso),
    password_never_expires: Type.Optional(Type.Boolean()),
    last_logon: Type.Optional(Iso),
    created: Type.Optional(Iso),
    groups: Type.Array(Name, { maxItems: 512 }),
  },
  { additionalProperties: false },
);

export const IdentityGroupSchema = Type.Object({ name: Name, privileged: Type.Boolean() }, { additionalProperties: false });

export const IdentityEndpointSchema = Type.Object(
  {
    host_name: Name,
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    os: Type.Optional(Text),
    /** The riposte device id when an agent runs there. */
    agent_id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const AUTH_PROTOCOLS = ['KERBEROS', 'NTLM', 'LDAP', 'SSH', 'SUDO', 'LOGIN'] as const;

export const IdentityAuthEventSchema = Type.Object(
  {
    timestamp: Iso,
    user: Type.String({ maxLength: 256 }),
    source_ip: Type.Optional(Type.String({ maxLength: 64 })),
    source_host: Type.Optional(Type.String({ maxLength: 256 })),
    /** The host or service authenticated to (the DC itself when absent). */
    target_host: Type.Optional(Type.String({ maxLength: 256 })),
    protocol: Type.Union(AUTH_PROTOCOLS.map((p) => Type.Literal(p))),
    result: Type.Union([Type.Literal('SUCCESS'), Type.Literal('FAILURE'), Type.Literal('BLOCKED')]),
    service: Type.Optional(Type.String({ maxLength: 256 })),
    reason: Type.Optional(Text),
  },
  { additionalProperties: false },
);

export const IdentityReportSchema = Type.Object(
  {
    /** The AD domain (DNS name, upper case) or, for local accounts, the host name. */
    domain: Name,
    kind: Type.Union([Type.Literal('DOMAIN_CONTROLLER'), Type.Literal('LOCAL_ACCOUNTS')]),
    users: Type.Optional(Type.Array(IdentityUserSchema, { maxItems: 5000 })),
    groups: Type.Optional(Type.Array(IdentityGroupSchema, { maxItems: 5000 })),
    endpoints: Type.Optional(Type.Array(IdentityEndpointSchema, { maxItems: 5000 })),
    events: Type.Optional(Type.Array(IdentityAuthEventSchema, { maxItems: 5000 })),
  },
  { additionalProperties: false },
);

export type IdentityReportFrame = Static<typeof IdentityReportSchema>;

/** Sent back to the sensor when enforcing BLOCK rules matched its events: it refuses these from now on. */
export interface IdentityBlock {
  user: string;
  source_ip?: string;
  source_host?: string;
  rule_id: string;
  rule_name: string;
}
