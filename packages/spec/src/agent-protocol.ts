import { Type, type Static } from '@sinclair/typebox';

/**
 * The agent ↔ gateway control channel: JSON text frames over one WebSocket per agent.
 * File bytes never travel here; `get`/`put` carry a one-time transfer token instead and
 * stream over HTTP.
 */

export const AGENT_PROTOCOL_VERSION = 1;

const Id = Type.String({ minLength: 1, maxLength: 64 });

const LoginSchema = Type.Object({
  user_name: Type.String({ minLength: 1, maxLength: 255 }),
  login_time: Type.String({ maxLength: 64 }),
  login_type: Type.String({ maxLength: 64 }),
  remote_address: Type.Optional(Type.String({ maxLength: 255 })),
  success: Type.Boolean(),
});

export const InventorySchema = Type.Object(
  {
    hostname: Type.String({ minLength: 1, maxLength: 255 }),
    platform: Type.Union([Type.Literal('linux'), Type.Literal('windows'), Type.Literal('mac')]),
    os_version: Type.String({ maxLength: 255 }),
    os_product_name: Type.String({ maxLength: 255 }),
    os_build: Type.String({ maxLength: 255 }),
    kernel_version: Type.String({ maxLength: 255 }),
    agent_version: Type.String({ maxLength: 64 }),
    local_ip: Type.String({ maxLength: 64 }),
    mac_address: Type.String({ maxLength: 64 }),
    machine_domain: Type.String({ maxLength: 255 }),
    system_manufacturer: Type.String({ maxLength: 255 }),
    system_product_name: Type.String({ maxLength: 255 }),
    cpu_vendor: Type.String({ maxLength: 255 }),
    pointer_size: Type.String({ maxLength: 8 }),
    /** Older agents' account list; no longer recorded (accounts are not logins). */
    users: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 1000 })),
    /** Logins the agent read from the OS's records (Linux: wtmp, btmp, auth log), newest last. */
    logins: Type.Optional(Type.Array(LoginSchema, { maxItems: 2000 })),
    chassis_type: Type.Optional(Type.String({ maxLength: 16 })),
    chassis_type_desc: Type.Optional(Type.String({ maxLength: 64 })),
    product_type: Type.Optional(Type.String({ maxLength: 16 })),
    product_type_desc: Type.Optional(Type.String({ maxLength: 64 })),
    last_reboot: Type.Optional(Type.String({ maxLength: 64 })),
    agent_local_time: Type.Optional(Type.String({ maxLength: 64 })),
    host_utc_offset: Type.Optional(Type.String({ maxLength: 16 })),
    bios_manufacturer: Type.Optional(Type.String({ maxLength: 255 })),
    bios_version: Type.Optional(Type.String({ maxLength: 255 })),
    serial_number: Type.Optional(Type.String({ maxLength: 255 })),
    interfaces: Type.Array(Type.Object({ name: Type.String({ maxLength: 255 }), ip: Type.String({ maxLength: 64 }), mac: Type.String({ maxLength: 64 }) }), { maxItems: 256 }),
    tags: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100 }),
  },
  { additionalProperties: true },
);

const ResultSchema = Type.Union([
  Type.Object({ ok: Type.Literal(true), data: Type.Record(Type.String(), Type.Unknown()), cwd: Type.String({ maxLength: 4096 }) }),
  Type.Object({
    ok: Type.Literal(false),
    error: Type.Object({ code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 65536 }) }),
    cwd: Type.String({ maxLength: 4096 }),
  }),
]);

/** What an agent may send. */
export const AgentMessageSchema = Type.Union([
  Type.Object({ t: Type.Literal('hello'), protocol: Type.Integer(), inventory: InventorySchema }),
  Type.Object({ t: Type.Literal('inventory'), inventory: InventorySchema }),
  Type.Object({ t: Type.Literal('started'), id: Id }),
  Type.Object({ t: Type.Literal('result'), id: Id, result: ResultSchema }),
  /** What came of the last containment order. */
  Type.Object({
    t: Type.Literal('containment_result'),
    action: Type.Union([Type.Literal('contain'), Type.Literal('lift')]),
    ok: Type.Boolean(),
    error: Type.Optional(Type.String({ maxLength: 1024 })),
  }),
]);

export type AgentMessage = Static<typeof AgentMessageSchema>;
export type AgentInventory = Static<typeof InventorySchema>;

/** What the gateway sends. */
export type GatewayMessage =
  | { t: 'welcome'; device_id: string; protocol: number }
  | {
      t: 'command';
      command: { id: string; name: string; args: Record<string, unknown>; cwd: string; timeout_ms: number };
      /** For get/put: the token that authorises this command's HTTP file transfer. */
      transfer?: { token: string };
      /** Waiting acknowledgements (as in `result_ack`), carried in the command's own frame. */
      acks?: string[];
    }
  | { t: 'cancel'; id: string }
  /**
   * Isolate the host from the network but for the agent's own connection to the server and the
   * `allow` CIDR blocks, or lift that. Sent when asked, and again on every connection while the
   * host is (to be) contained; the agent answers with `containment_result`.
   */
  | { t: 'containment'; action: 'contain'; allow: string[] }
  | { t: 'containment'; action: 'lift' }
  /**
   * These results are durable on the server (or not wanted): the agent may drop them from its
   * journal. Sent with the next frame the server writes anyway (inside the next command's frame,
   * or just before the heartbeat ping), or at once when many are waiting, so an agent holds a
   * result for up to one heartbeat.
   */
  | { t: 'result_ack'; ids: string[] }
  | { t: 'error'; message: string };

/** Largest frame the gateway accepts from an agent (results are bounded by the agent's output caps). */
export const MAX_AGENT_FRAME_BYTES = 16 * 1024 * 1024;
