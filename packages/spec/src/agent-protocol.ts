import { Type, type Static } from '@sinclair/typebox';
import { IdentityReportSchema, type IdentityBlock } from './identity-protocol.ts';

/**
 * The agent ↔ gateway control channel: JSON text frames over one WebSocket per agent.
 * File bytes never travel here; `get`/`put` carry a one-time transfer token instead and
 * stream over HTTP.
 */

export const AGENT_PROTOCOL_VERSION = 1;

const Id = Type.String({ minLength: 1, maxLength: 64 });

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
    users: Type.Array(Type.String({ maxLength: 255 }), { maxItems: 1000 }),
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
  /** Identity sensors only: directory data and authentications (identity-protocol.ts). */
  Type.Object({ t: Type.Literal('identity'), report: IdentityReportSchema }),
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
   * These results are durable on the server (or not wanted): the agent may drop them from its
   * journal. Sent with the next frame the server writes anyway (inside the next command's frame,
   * or just before the heartbeat ping), or at once when many are waiting, so an agent holds a
   * result for up to one heartbeat.
   */
  | { t: 'result_ack'; ids: string[] }
  /** Enforcing BLOCK rules matched the sensor's authentications: it refuses these from now on. */
  | { t: 'identity_blocks'; blocks: IdentityBlock[] }
  | { t: 'error'; message: string };

/** Largest frame the gateway accepts from an agent (results are bounded by the agent's output caps). */
export const MAX_AGENT_FRAME_BYTES = 16 * 1024 * 1024;
