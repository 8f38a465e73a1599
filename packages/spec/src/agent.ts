import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from './operation.ts';
import { InventorySchema } from './agent-protocol.ts';

const collection = 'Agent';

/** An agent's one enrollment: the token it was given and what it is. */
export const EnrollBody = Type.Object({ enroll_token: Type.String({ minLength: 1, maxLength: 512 }), inventory: InventorySchema }, { additionalProperties: false });

/** What the agent claims it uploaded; the server checks both against the bytes it holds. */
export const UploadCompleteBody = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }), size: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

/** Agent-facing endpoints: enrollment, the control channel and file transfers. */
export const agentOperations = defineOperations([
  {
    operationId: 'AgentEnroll',
    collection,
    dialect: 'agent',
    method: 'POST',
    path: '/agent/v1/enroll',
    scope: null,
    summary: 'An agent presents an enrollment token and its inventory once; it gets its device id and secret.',
    body: EnrollBody,
    successStatus: 201,
    response: Type.Object({ device_id: Type.String(), agent_secret: Type.String() }),
  },
  {
    operationId: 'AgentConnect',
    collection,
    dialect: 'agent',
    method: 'GET',
    path: '/agent/v1/connect',
    scope: null,
    summary: 'WebSocket upgrade for the control channel; `Authorization: Agent <device_id>:<secret>`.',
    successStatus: 101,
  },
  {
    operationId: 'AgentUploadOffset',
    collection,
    dialect: 'agent',
    method: 'HEAD',
    path: '/agent/v1/transfers/upload',
    scope: null,
    summary: 'How many bytes of an upload the server holds (`upload-offset`), to resume it.',
    successStatus: 200,
  },
  {
    operationId: 'AgentUpload',
    collection,
    dialect: 'agent',
    method: 'PUT',
    path: '/agent/v1/transfers/upload',
    scope: null,
    summary: 'Append raw file bytes at `upload-offset`; `Authorization: Transfer <token>`.',
    successStatus: 200,
  },
  {
    operationId: 'AgentUploadComplete',
    collection,
    dialect: 'agent',
    method: 'POST',
    path: '/agent/v1/transfers/upload/complete',
    scope: null,
    summary: 'Finish an upload: the server checks size and sha256 and stores the blob.',
    body: UploadCompleteBody,
    successStatus: 200,
  },
  {
    operationId: 'AgentDownload',
    collection,
    dialect: 'agent',
    method: 'GET',
    path: '/agent/v1/transfers/download',
    scope: null,
    summary: 'Stream the blob a `put` command names; honours `Range` to resume.',
    successStatus: 200,
    produces: 'application/octet-stream',
  },
]);
