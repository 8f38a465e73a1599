import { Type, type Static } from '@sinclair/typebox';
import { IdentityReportSchema, type IdentityBlock } from './identity-protocol.ts';

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
    /** An account list that older agents send; accepted and not recorded (accounts are not logins). */
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
    /** Windows: the machine's organizational units in Active Directory, innermost first. */
    ou: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
    /** Windows: its Active Directory site. */
    site_name: Type.Optional(Type.String({ maxLength: 255 })),
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

/**
 * Results of any size. A result whose frame would exceed RESULT_INLINE_MAX_BYTES never travels
 * inside the control channel: the agent asks for an upload token (`result_upload`), streams the
 * result's JSON over the resumable HTTP transfer path, and sends a `result` frame whose
 * `result_blob` names what it uploaded. The server reads the result from the transfer it received
 * for this command (not from the agent's word), up to RESULT_BLOB_MAX_BYTES; anything it cannot
 * accept ends the command with an error and is acknowledged (`refused`), so it is never re-sent.
 */
export const RESULT_INLINE_MAX_BYTES = 1024 * 1024;
/** Largest result (serialised JSON) the server accepts, inline or as a blob. */
export const RESULT_BLOB_MAX_BYTES = 64 * 1024 * 1024;
/** Largest whole stdout of a run/runscript the server takes as a file (`purpose: 'output'`). */
export const OUTPUT_FILE_MAX_BYTES = 1024 ** 3;
/** Error messages longer than this are cut by the agent, with a marker saying how much was cut. */
export const ERROR_MESSAGE_MAX_CHARS = 8192;

/** `result_blob`: the result's JSON, uploaded for this command over the transfer path. */
export const ResultBlobSchema = Type.Object(
  { sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }), size: Type.Integer({ minimum: 0, maximum: RESULT_BLOB_MAX_BYTES }) },
  { additionalProperties: false },
);

/** The result carried by a `result` frame (inline) or read from its `result_blob`. */
export const AgentResultSchema = ResultSchema;

/** What an agent may send. */
export const AgentMessageSchema = Type.Union([
  Type.Object({ t: Type.Literal('hello'), protocol: Type.Integer(), inventory: InventorySchema }),
  Type.Object({ t: Type.Literal('inventory'), inventory: InventorySchema }),
  Type.Object({ t: Type.Literal('started'), id: Id }),
  Type.Object({ t: Type.Literal('result'), id: Id, result: ResultSchema }),
  Type.Object({ t: Type.Literal('result'), id: Id, result_blob: ResultBlobSchema }),
  /**
   * Asks for a token to upload, for command `id`, its result of `size` bytes (too large to send
   * inline), or (`purpose: 'output'`) the whole stdout of a run/runscript that passed its cap.
   */
  Type.Object({
    t: Type.Literal('result_upload'),
    id: Id,
    size: Type.Integer({ minimum: 0 }),
    purpose: Type.Optional(Type.Union([Type.Literal('result'), Type.Literal('output')])),
  }),
  /** What came of the last containment order. */
  Type.Object({
    t: Type.Literal('containment_result'),
    action: Type.Union([Type.Literal('contain'), Type.Literal('lift')]),
    ok: Type.Boolean(),
    error: Type.Optional(Type.String({ maxLength: 1024 })),
  }),
  /** Identity sensors only: directory data and authentications (identity-protocol.ts). */
  Type.Object({ t: Type.Literal('identity'), report: IdentityReportSchema }),
]);

export type AgentMessage = Static<typeof AgentMessageSchema>;
export type ResultBlobRef = Static<typeof ResultBlobSchema>;
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
  | {
      t: 'result_ack';
      ids: string[];
      /** Results among `ids` the server could not accept; each command ended with an error saying why. */
      refused?: { id: string; reason: string }[];
    }
  /**
   * The token for the upload the agent asked for; an output upload the server will not take gets
   * `refused` instead (a refused result is acknowledged with `result_ack` … `refused`).
   */
  | { t: 'result_upload'; id: string; token?: string; refused?: string }
  /** Enforcing BLOCK rules matched the sensor's authentications: it refuses these from now on. */
  | { t: 'identity_blocks'; blocks: IdentityBlock[] }
  | { t: 'error'; message: string };

/** Largest frame the gateway accepts from an agent (a result over RESULT_INLINE_MAX_BYTES travels as a blob instead). */
export const MAX_AGENT_FRAME_BYTES = 16 * 1024 * 1024;
