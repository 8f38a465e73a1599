import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { CB_LR_PREFIX, OrgParams, SessionId, SessionParams, OrgKey } from './common.ts';

/**
 * Carbon Black Cloud Live Response v6 (seed 003): sessions, the files of a session, commands.
 * `scope` is the RBAC grant the operation needs; an issued command also needs its own
 * (directory list → org.liveresponse.file:READ, …), checked by the command catalog in core.
 */

const LR = 'LiveResponse';
const Path = Type.String({ minLength: 1, maxLength: 4096 });

const StartBody = Type.Object(
  { device_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Carbon Black device id' }) },
  { additionalProperties: false },
);

const KillBody = Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { minItems: 1, maxItems: 1000, description: 'Device ids' });

/** One body for every command: which fields a command requires is checked by the command catalog. */
const CommandBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'One of the 15 command names, e.g. "directory list"' }),
    path: Type.Optional(Path),
    /** What older clients send instead of `path`. */
    object: Type.Optional(Type.Union([Path, Type.Integer()])),
    session_id: Type.Optional(SessionId),
    pid: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 32 - 1 })),
    wait: Type.Optional(Type.Boolean()),
    output_file: Type.Optional(Path),
    working_directory: Type.Optional(Path),
    file_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    get_count: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    overwrite: Type.Optional(Type.Boolean()),
    value_type: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    value_data: Type.Optional(Type.Union([Type.String({ maxLength: 65536 }), Type.Integer(), Type.Array(Type.String({ maxLength: 65536 }), { maxItems: 1000 })])),
    compress: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const CommandParams = Type.Object({ org_key: OrgKey, session_id: SessionId, command_id: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false });
const FileParams = Type.Object({ org_key: OrgKey, session_id: SessionId, file_id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const WaitQuery = Type.Object(
  { wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: 'Seconds to hold the answer until the command ends (0-120)' })) },
  { additionalProperties: false },
);

const Session = Type.Object({
  id: Type.String(),
  device_id: Type.Integer(),
  check_in_timeout: Type.Integer(),
  session_timeout: Type.Integer(),
  status: Type.String(),
  current_command_index: Type.Integer(),
  create_time: Type.String(),
  device_check_in_time: Type.String(),
  sensor_check_in_time: Type.Optional(Type.String()),
  hostname: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  os_version: Type.Optional(Type.String()),
  current_working_directory: Type.Optional(Type.String()),
  supported_commands: Type.Optional(Type.Array(Type.String())),
  drives: Type.Optional(Type.Array(Type.String())),
});

const Command = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  status: Type.String(),
  input: Type.Record(Type.String(), Type.Unknown()),
  result_code: Type.Integer(),
  result_type: Type.Optional(Type.String()),
  result_desc: Type.String(),
  values: Type.Array(Type.Unknown()),
  sub_keys: Type.Array(Type.String()),
  files: Type.Array(Type.Unknown()),
  create_time: Type.String(),
  finish_time: Type.String(),
});

const File = Type.Object({ id: Type.String(), size: Type.Integer(), file_name: Type.String(), size_fileed: Type.Integer(), upload_url: Type.Null() });

const op = <const O extends Omit<Operation<string, any, any, any, any>, 'collection' | 'dialect'>>(o: O) => ({ ...o, collection: LR, dialect: 'carbonblack' as const, path: `${CB_LR_PREFIX}${o.path}` });

export const cbLiveResponseOperations = defineOperations([
  op({ operationId: 'CbStartSession', method: 'POST', path: '/sessions', scope: 'org.liveresponse.session:CREATE', summary: 'Start (or join) the live response session of a device.', params: OrgParams, body: StartBody, successStatus: 201, response: Session }),
  op({ operationId: 'CbListSessions', method: 'GET', path: '/sessions', scope: 'org.liveresponse.session:READ', summary: 'Every live session (204 when there is none).', params: OrgParams, successStatus: 200, response: Type.Array(Session) }),
  op({ operationId: 'CbGetSession', method: 'GET', path: '/sessions/:session_id', scope: 'org.liveresponse.session:READ', summary: 'A session by id; refreshes its 15-minute timeout.', params: SessionParams, successStatus: 200, response: Session }),
  op({ operationId: 'CbKeepaliveSession', method: 'GET', path: '/sessions/:session_id/keepalive', scope: 'org.liveresponse.session:READ', summary: 'Refresh the 15-minute timeout of a session.', params: SessionParams, successStatus: 200, response: Session }),
  op({ operationId: 'CbCloseSession', method: 'DELETE', path: '/sessions/:session_id', scope: 'org.liveresponse.session:DELETE', summary: 'Close a session; its pending commands are cancelled.', params: SessionParams, successStatus: 204 }),
  op({ operationId: 'CbDisableLiveResponse', method: 'POST', path: '/kill', scope: 'org.liveresponse:DELETE', summary: 'Disable live response on devices, for good.', params: OrgParams, body: KillBody, successStatus: 200, response: Session }),
  op({ operationId: 'CbListFiles', method: 'GET', path: '/sessions/:session_id/files', scope: 'org.liveresponse.file:READ', summary: 'Metadata of the files of a session (uploaded, and retrieved with get file).', params: SessionParams, successStatus: 200, response: Type.Array(File) }),
  op({ operationId: 'CbUploadFile', method: 'POST', path: '/sessions/:session_id/files', scope: 'org.liveresponse.file:CREATE', summary: 'Upload a file (multipart `file`) for a later put file.', params: SessionParams, form: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }, { additionalProperties: false }), files: ['file'], successStatus: 201, response: File }),
  op({ operationId: 'CbGetFileMetadata', method: 'GET', path: '/sessions/:session_id/files/:file_id', scope: 'org.liveresponse.file:READ', summary: 'Metadata of one file of a session.', params: FileParams, successStatus: 200, response: File }),
  op({ operationId: 'CbGetFileContent', method: 'GET', path: '/sessions/:session_id/files/:file_id/content', scope: 'org.liveresponse.file:READ', summary: 'The bytes of a file of a session, streamed.', params: FileParams, successStatus: 200, produces: 'application/octet-stream' }),
  op({ operationId: 'CbDeleteFile', method: 'DELETE', path: '/sessions/:session_id/files/:file_id', scope: 'org.liveresponse.file:DELETE', summary: 'Delete a file of a session.', params: FileParams, successStatus: 204 }),
  op({ operationId: 'CbListCommands', method: 'GET', path: '/sessions/:session_id/commands', scope: 'org.liveresponse.session:READ', summary: 'Every command issued in a session.', params: SessionParams, successStatus: 200, response: Type.Array(Command) }),
  op({ operationId: 'CbIssueCommand', method: 'POST', path: '/sessions/:session_id/commands', scope: 'org.liveresponse.session:READ', summary: 'Issue one of the 15 commands; each also needs its own grant.', params: SessionParams, body: CommandBody, successStatus: 201, response: Command }),
  op({ operationId: 'CbGetCommand', method: 'GET', path: '/sessions/:session_id/commands/:command_id', scope: 'org.liveresponse.session:READ', summary: 'A command and its result; `wait` holds the answer until it ends.', params: CommandParams, query: WaitQuery, successStatus: 200, response: Command }),
  op({ operationId: 'CbCancelCommand', method: 'DELETE', path: '/sessions/:session_id/commands/:command_id', scope: 'org.liveresponse.session:READ', summary: 'Cancel a PENDING command; the device never runs it.', params: CommandParams, successStatus: 200, response: Command }),
]);
