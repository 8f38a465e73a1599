import { Type, type TProperties } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { FalconId, Filter, Offset, Sort } from './common.ts';
import { AggregateQueryBody, AggregationResultSchema } from './aggregates.ts';

/**
 * Real Time Response: sessions, command execution and status in three tiers, batches, retrieved
 * files (RealTimeResponse collection), the admin command operations (RealTimeResponseAdmin) and
 * the session audit (RealTimeResponseAudit). Operation ids are FalconPy's; paths, parameter names
 * and scopes come from the vendor's API definition (crowdstrike-falcon's RealTimeResponse*Api).
 */

const rtr = 'RealTimeResponse';
const admin = 'RealTimeResponseAdmin';
const READ = 'real-time-response:read';
const WRITE = 'real-time-response:write';
const ADMIN = 'real-time-response-admin:write';

const Id = Type.String({ minLength: 1, maxLength: 128 });
const HostIds = (min: number, what: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: min, maxItems: 10_000, description: what });
// A Go duration (`30s`, `1m30s`, `500ms`); checked and bounded by the handler.
const Duration = Type.String({ minLength: 1, maxLength: 64, description: 'Go duration syntax, e.g. 30s; units ns, us, ms, s, m, h; at most 10m' });

const timeouts = {
  timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, description: 'Seconds to wait for the request (default 30, max 600)' })),
  timeout_duration: Type.Optional(Duration),
} satisfies TProperties;
const batchTimeouts = {
  ...timeouts,
  host_timeout_duration: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'How long each host has (default: a bit less than the request timeout, never more)' })),
} satisfies TProperties;

const InitBody = Type.Object(
  {
    device_id: FalconId,
    origin: Type.Optional(Type.String({ maxLength: 256 })),
    queue_offline: Type.Optional(Type.Boolean({ description: 'Open the session (and queue its commands) even if the host is offline' })),
  },
  { additionalProperties: false },
);

const ExecuteBody = Type.Object(
  {
    base_command: Type.String({ minLength: 1, maxLength: 64, description: 'First word of the command line, e.g. ls' }),
    command_string: Type.String({ minLength: 1, maxLength: 5 * 1024 * 1024, description: 'The whole command line' }),
    session_id: Id,
    device_id: Type.Optional(Type.String({ maxLength: 64 })),
    id: Type.Optional(Type.Integer()),
    persist: Type.Optional(Type.Boolean({ description: 'Queue the command if the host is offline' })),
  },
  { additionalProperties: false },
);

const BatchCommandBody = Type.Object(
  {
    base_command: Type.String({ minLength: 1, maxLength: 64 }),
    command_string: Type.String({ minLength: 1, maxLength: 5 * 1024 * 1024 }),
    batch_id: Id,
    optional_hosts: Type.Optional(HostIds(0, 'Run on these hosts of the batch only')),
    persist_all: Type.Optional(Type.Boolean({ description: 'Queue the command for offline hosts' })),
  },
  { additionalProperties: false },
);

const IdsBody = Type.Object({ ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
const StatusQuery = Type.Object(
  {
    cloud_request_id: Id,
    sequence_id: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Chunk of the output (default 0)' })),
  },
  { additionalProperties: false },
);
const SessionQuery = Type.Object({ session_id: Id }, { additionalProperties: false });
const FileDeleteQuery = Type.Object({ ids: Type.String({ minLength: 1, maxLength: 64 }), session_id: Id }, { additionalProperties: false });

const InitResponse = Type.Object({
  session_id: Type.String(),
  scripts: Type.Array(Type.Object({}, { additionalProperties: true })),
  created_at: Type.String(),
  pwd: Type.String(),
  offline_queued: Type.Boolean(),
  existing_aid_sessions: Type.Integer(),
  previous_commands: Type.Array(Type.String()),
  platform: Type.String(),
  device_id: Type.String(),
});
const ExecuteResponse = Type.Object({ session_id: Type.String(), cloud_request_id: Type.String(), queued_command_offline: Type.Boolean() });
const StatusResponse = Type.Object({
  session_id: Type.String(),
  task_id: Type.String(),
  complete: Type.Boolean(),
  stdout: Type.String(),
  stderr: Type.String(),
  base_command: Type.String(),
  sequence_id: Type.Integer(),
});
const Session = Type.Object({ id: Type.String(), device_id: Type.String(), logs: Type.Array(Type.Object({}, { additionalProperties: true })) }, { additionalProperties: true });
const File = Type.Object({ id: Type.Union([Type.Integer(), Type.String()]), session_id: Type.String(), name: Type.String(), sha256: Type.String(), size: Type.Integer() }, { additionalProperties: true });

const execute = <const Id extends string>(operationId: Id, collection: string, path: string, scope: string, tier: string) => ({
  operationId,
  collection,
  dialect: 'falcon',
  method: 'POST',
  path,
  scope,
  summary: `Execute a ${tier} command in a session; poll its output with the matching status operation.`,
  body: ExecuteBody,
  successStatus: 201,
  response: ExecuteResponse,
}) satisfies Operation<Id, any, any, any, any>;

const status = <const Id extends string>(operationId: Id, collection: string, path: string, scope: string, tier: string) => ({
  operationId,
  collection,
  dialect: 'falcon',
  method: 'GET',
  path,
  scope,
  summary: `Status and output of a ${tier} command; long output comes in sequence_id chunks of 64 KiB.`,
  query: StatusQuery,
  successStatus: 200,
  response: StatusResponse,
}) satisfies Operation<Id, any, any, any, any>;

const batchCommand = <const Id extends string>(operationId: Id, collection: string, path: string, scope: string, tier: string) => ({
  operationId,
  collection,
  dialect: 'falcon',
  method: 'POST',
  path,
  scope,
  summary: `Run a ${tier} command on every host of a batch and wait for them (up to the timeout); results by host in combined.resources.`,
  query: Type.Object(batchTimeouts, { additionalProperties: false }),
  body: BatchCommandBody,
  successStatus: 201,
}) satisfies Operation<Id, any, any, any, any>;

export const rtrOperations = defineOperations([
  {
    operationId: 'RTR_InitSession',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/entities/sessions/v1',
    scope: READ,
    summary: 'Open a session on a host.',
    query: Type.Object(timeouts, { additionalProperties: false }),
    body: InitBody,
    successStatus: 201,
    response: InitResponse,
  },
  {
    operationId: 'RTR_PulseSession',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/entities/refresh-session/v1',
    scope: READ,
    summary: "Keep the caller's session on a host alive for another 10 minutes.",
    body: InitBody,
    successStatus: 201,
    response: InitResponse,
  },
  {
    operationId: 'RTR_DeleteSession',
    collection: rtr,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/real-time-response/entities/sessions/v1',
    scope: READ,
    summary: 'End a session; its queued commands are cancelled.',
    query: SessionQuery,
    successStatus: 204,
  },
  {
    operationId: 'RTR_ListAllSessions',
    collection: rtr,
    dialect: 'falcon',
    method: 'GET',
    path: '/real-time-response/queries/sessions/v1',
    scope: READ,
    summary: "Ids of the caller's live sessions (FQL filter, sort such as created_at|desc, paging).",
    query: Type.Object(
      { offset: Type.Optional(Offset), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })), sort: Type.Optional(Sort), filter: Type.Optional(Filter) },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'RTR_AggregateSessions',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/aggregates/sessions/GET/v1',
    scope: READ,
    summary: "Aggregates (terms, date_histogram, ranges, metrics) over the caller's sessions.",
    body: AggregateQueryBody,
    successStatus: 200,
    response: AggregationResultSchema,
  },
  {
    operationId: 'RTR_ListSessions',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/entities/sessions/GET/v1',
    scope: READ,
    summary: "Details of the caller's sessions by id, with their command logs.",
    body: IdsBody,
    successStatus: 200,
    response: Session,
  },
  {
    operationId: 'RTR_ListQueuedSessions',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/entities/queued-sessions/GET/v1',
    scope: READ,
    summary: 'Commands of the given sessions that wait for an offline host.',
    body: IdsBody,
    successStatus: 200,
  },
  {
    operationId: 'RTR_DeleteQueuedSession',
    collection: rtr,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/real-time-response/entities/queued-sessions/command/v1',
    scope: READ,
    summary: 'Cancel a command that waits for an offline host.',
    query: Type.Object({ session_id: Id, cloud_request_id: Id }, { additionalProperties: false }),
    successStatus: 204,
  },
  {
    // A riposte extension (Falcon has no way to stop a running command): what a shell's Ctrl-C calls.
    operationId: 'RTR_CancelCommand',
    collection: rtr,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/real-time-response/entities/command/v1',
    scope: READ,
    summary: 'riposte extension: cancel a command of your session that has not ended, queued or running (the agent stops it).',
    query: Type.Object({ session_id: Id, cloud_request_id: Id }, { additionalProperties: false }),
    successStatus: 204,
  },
  execute('RTR_ExecuteCommand', rtr, '/real-time-response/entities/command/v1', READ, 'read-only'),
  status('RTR_CheckCommandStatus', rtr, '/real-time-response/entities/command/v1', READ, 'read-only'),
  execute('RTR_ExecuteActiveResponderCommand', rtr, '/real-time-response/entities/active-responder-command/v1', WRITE, 'active-responder'),
  status('RTR_CheckActiveResponderCommandStatus', rtr, '/real-time-response/entities/active-responder-command/v1', WRITE, 'active-responder'),
  execute('RTR_ExecuteAdminCommand', admin, '/real-time-response/entities/admin-command/v1', ADMIN, 'admin'),
  status('RTR_CheckAdminCommandStatus', admin, '/real-time-response/entities/admin-command/v1', ADMIN, 'admin'),
  {
    operationId: 'RTR_ListFiles',
    collection: rtr,
    dialect: 'falcon',
    method: 'GET',
    path: '/real-time-response/entities/file/v1',
    scope: WRITE,
    summary: 'Files retrieved with get in a session.',
    query: SessionQuery,
    successStatus: 200,
    response: File,
  },
  {
    operationId: 'RTR_ListFilesV2',
    collection: rtr,
    dialect: 'falcon',
    method: 'GET',
    path: '/real-time-response/entities/file/v2',
    scope: WRITE,
    summary: 'Files retrieved (or being retrieved) with get in a session, with their progress.',
    query: SessionQuery,
    successStatus: 200,
    response: File,
  },
  {
    operationId: 'RTR_DeleteFile',
    collection: rtr,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/real-time-response/entities/file/v1',
    scope: WRITE,
    summary: 'Remove a retrieved file from a session.',
    query: FileDeleteQuery,
    successStatus: 204,
  },
  {
    operationId: 'RTR_DeleteFileV2',
    collection: rtr,
    dialect: 'falcon',
    method: 'DELETE',
    path: '/real-time-response/entities/file/v2',
    scope: WRITE,
    summary: 'Remove a retrieved file from a session.',
    query: FileDeleteQuery,
    successStatus: 204,
  },
  {
    operationId: 'RTR_GetExtractedFileContents',
    collection: rtr,
    dialect: 'falcon',
    method: 'GET',
    path: '/real-time-response/entities/extracted-file-contents/v1',
    scope: WRITE,
    summary: 'A retrieved file as a 7-Zip archive protected with the password "infected".',
    query: Type.Object(
      {
        session_id: Id,
        sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA256 of the retrieved file' }),
        filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Name inside the archive (a plain file name)' })),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    produces: 'application/x-7z-compressed',
  },
  {
    operationId: 'BatchInitSessions',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/combined/batch-init-session/v1',
    scope: READ,
    summary: 'Open sessions on up to 10,000 hosts at once (or add hosts to a batch); per-host results by device id.',
    query: Type.Object(batchTimeouts, { additionalProperties: false }),
    body: Type.Object(
      {
        host_ids: HostIds(1, 'Hosts to open sessions on (1 to 10,000)'),
        existing_batch_id: Type.Optional(Type.String({ maxLength: 128 })),
        queue_offline: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    successStatus: 201,
  },
  {
    operationId: 'BatchRefreshSessions',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/combined/batch-refresh-session/v1',
    scope: READ,
    summary: 'Keep a batch alive for another 10 minutes, optionally removing hosts from it.',
    query: Type.Object(timeouts, { additionalProperties: false }),
    body: Type.Object({ batch_id: Id, hosts_to_remove: Type.Optional(HostIds(0, 'Hosts to drop from the batch')) }, { additionalProperties: false }),
    successStatus: 201,
  },
  batchCommand('BatchCmd', rtr, '/real-time-response/combined/batch-command/v1', READ, 'read-only'),
  batchCommand('BatchActiveResponderCmd', rtr, '/real-time-response/combined/batch-active-responder-command/v1', WRITE, 'active-responder'),
  batchCommand('BatchAdminCmd', admin, '/real-time-response/combined/batch-admin-command/v1', ADMIN, 'admin'),
  {
    operationId: 'BatchGetCmd',
    collection: rtr,
    dialect: 'falcon',
    method: 'POST',
    path: '/real-time-response/combined/batch-get-command/v1',
    scope: WRITE,
    summary: 'Retrieve a file from every host of a batch; follow it with BatchGetCmdStatus and the returned batch_get_cmd_req_id.',
    query: Type.Object(batchTimeouts, { additionalProperties: false }),
    body: Type.Object(
      { batch_id: Id, file_path: Type.String({ minLength: 1, maxLength: 32768 }), optional_hosts: Type.Optional(HostIds(0, 'Only these hosts of the batch')) },
      { additionalProperties: false },
    ),
    successStatus: 201,
  },
  {
    operationId: 'BatchGetCmdStatus',
    collection: rtr,
    dialect: 'falcon',
    method: 'GET',
    path: '/real-time-response/combined/batch-get-command/v1',
    scope: WRITE,
    summary: 'Files retrieved so far by a batch get, by device id.',
    query: Type.Object({ ...timeouts, batch_get_cmd_req_id: Id }, { additionalProperties: false }),
    successStatus: 200,
  },
  {
    operationId: 'RTRAuditSessions',
    collection: 'RealTimeResponseAudit',
    dialect: 'falcon',
    method: 'GET',
    path: '/real-time-response-audit/combined/sessions/v1',
    scope: 'real-time-response-audit:read',
    summary: "Every API client's sessions with the commands run in them (FQL filter; sort created_at|updated_at|deleted_at, |desc).",
    query: Type.Object(
      {
        filter: Type.Optional(Filter),
        sort: Type.Optional(Sort),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        offset: Type.Optional(Offset),
        with_command_info: Type.Optional(Type.Boolean({ description: "Include each command's response" })),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: Session,
  },
]);
