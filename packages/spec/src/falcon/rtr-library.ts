import { Type, type TProperties } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { Filter, IdsQuery, Limit, Offset, Sort } from './common.ts';

/**
 * The RTR library operations of the RealTimeResponseAdmin collection: put-files, custom scripts
 * and Falcon (built-in) scripts. Operation ids are FalconPy's; paths, form field names and
 * scope come from the vendor's API definition (crowdstrike-falcon's RealTimeResponseAdminApi).
 */

const collection = 'RealTimeResponseAdmin';
const scope = 'real-time-response-admin:write';

const Platform = Type.Union([Type.Literal('windows'), Type.Literal('linux'), Type.Literal('mac')]);
const Permission = Type.Union([Type.Literal('private'), Type.Literal('group'), Type.Literal('public')]);
// Vendor limits: names 32,766 characters (the server further requires a plain file name of at
// most 255), audit comments 4,096.
const Name = Type.String({ maxLength: 32766, description: 'Name in the library (default: the uploaded file name); a plain file name' });
const Description = Type.String({ maxLength: 65536 });
const AuditComment = Type.String({ maxLength: 4096, description: 'Comment for the audit log' });

const putFileForm = Type.Object(
  { description: Description, name: Type.Optional(Name), comments_for_audit_log: Type.Optional(AuditComment) },
  { additionalProperties: false },
);

const scriptFields = {
  name: Type.Optional(Name),
  comments_for_audit_log: Type.Optional(AuditComment),
  content: Type.Optional(Type.String({ description: 'Script text (instead of a file)' })),
  platform: Type.Optional(Type.Array(Platform, { maxItems: 3, description: 'Repeated or comma-separated; default windows' })),
  share_with_workflow: Type.Optional(Type.Boolean()),
  workflow_is_disruptive: Type.Optional(Type.Boolean()),
  workflow_input_schema: Type.Optional(Type.String({ maxLength: 65536 })),
  workflow_output_schema: Type.Optional(Type.String({ maxLength: 65536 })),
} satisfies TProperties;

const createScriptForm = Type.Object({ description: Description, permission_type: Permission, ...scriptFields }, { additionalProperties: false });

const updateScriptForm = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Description),
    permission_type: Type.Optional(Permission),
    ...scriptFields,
  },
  { additionalProperties: false },
);

const idsQuery = (max: number) => Type.Object({ ids: IdsQuery(max, Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });

// Pages hold at most 100 ids; larger limits are clamped by the service rather than refused.
const listQuery = Type.Object(
  { filter: Type.Optional(Filter), sort: Type.Optional(Sort), offset: Type.Optional(Offset), limit: Type.Optional(Limit(5000)) },
  { additionalProperties: false },
);

const entryFields = {
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  comments_for_audit_log: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  created_by: Type.String(),
  created_by_uuid: Type.String(),
  created_timestamp: Type.String(),
  modified_by: Type.String(),
  modified_by_uuid: Type.String(),
  modified_timestamp: Type.String(),
};

export const PutFileResource = Type.Object({ ...entryFields, file_type: Type.String() });

export const ScriptResource = Type.Object({
  ...entryFields,
  content: Type.String(),
  file_type: Type.String(),
  platform: Type.Array(Type.String()),
  permission_type: Type.String(),
  run_attempt_count: Type.Integer(),
  run_success_count: Type.Integer(),
  share_with_workflow: Type.Boolean(),
  workflow_is_disruptive: Type.Boolean(),
  write_access: Type.Boolean(),
});

export const FalconScriptResource = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  content: Type.String(),
  platform: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  use_case: Type.String(),
  categories: Type.Array(Type.String()),
  access_roles: Type.Array(Type.String()),
  is_disruptive: Type.Boolean(),
  modifies_system: Type.Boolean(),
  revision: Type.Integer(),
  created_by: Type.String(),
  created_timestamp: Type.String(),
  modified_by: Type.String(),
  modified_timestamp: Type.String(),
});

const base = { collection, dialect: 'falcon', scope } as const;

export const rtrLibraryOperations = defineOperations([
  // Put-files.
  {
    ...base,
    operationId: 'RTR_CreatePut_Files',
    method: 'POST',
    path: '/real-time-response/entities/put-files/v1',
    summary: 'Upload a put-file (multipart `file`) for the RTR `put` command.',
    form: putFileForm,
    files: ['file'],
    successStatus: 200,
  },
  {
    ...base,
    operationId: 'RTR_CreatePut_FilesV2',
    method: 'POST',
    path: '/real-time-response/entities/put-files/v2',
    summary: 'Upload a put-file (multipart `file`) for the RTR `put` command; answers with the new put-file.',
    form: putFileForm,
    files: ['file'],
    successStatus: 200,
    response: PutFileResource,
  },
  {
    ...base,
    operationId: 'RTR_GetPut_Files',
    method: 'GET',
    path: '/real-time-response/entities/put-files/v1',
    summary: 'Put-files by id.',
    query: idsQuery(500),
    successStatus: 200,
    response: PutFileResource,
  },
  {
    ...base,
    operationId: 'RTR_GetPut_FilesV2',
    method: 'GET',
    path: '/real-time-response/entities/put-files/v2',
    summary: 'Put-files by id.',
    query: idsQuery(500),
    successStatus: 200,
    response: PutFileResource,
  },
  {
    ...base,
    operationId: 'RTR_DeletePut_Files',
    method: 'DELETE',
    path: '/real-time-response/entities/put-files/v1',
    summary: 'Delete put-files by id.',
    query: idsQuery(100),
    successStatus: 200,
  },
  {
    ...base,
    operationId: 'RTR_ListPut_Files',
    method: 'GET',
    path: '/real-time-response/queries/put-files/v1',
    summary: 'Ids of put-files matching an FQL filter (pages of at most 100).',
    query: listQuery,
    successStatus: 200,
    response: Type.String(),
  },
  {
    ...base,
    operationId: 'RTR_GetPutFileContents',
    method: 'GET',
    path: '/real-time-response/entities/put-file-contents/v1',
    summary: 'The bytes of a put-file.',
    query: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    successStatus: 200,
    produces: 'application/octet-stream',
  },
  // Custom scripts.
  {
    ...base,
    operationId: 'RTR_CreateScripts',
    method: 'POST',
    path: '/real-time-response/entities/scripts/v1',
    summary: 'Upload a custom script (multipart `file` or `content`) for `runscript -CloudFile=`.',
    form: createScriptForm,
    files: ['file'],
    successStatus: 200,
  },
  {
    ...base,
    operationId: 'RTR_CreateScriptsV2',
    method: 'POST',
    path: '/real-time-response/entities/scripts/v2',
    summary: 'Upload a custom script (multipart `file` or `content`); answers with the new script.',
    form: createScriptForm,
    files: ['file'],
    successStatus: 200,
    response: ScriptResource,
  },
  {
    ...base,
    operationId: 'RTR_GetScripts',
    method: 'GET',
    path: '/real-time-response/entities/scripts/v1',
    summary: 'Custom scripts by id (private scripts of other API clients are not found).',
    query: idsQuery(500),
    successStatus: 200,
    response: ScriptResource,
  },
  {
    ...base,
    operationId: 'RTR_GetScriptsV2',
    method: 'GET',
    path: '/real-time-response/entities/scripts/v2',
    summary: 'Custom scripts by id (private scripts of other API clients are not found).',
    query: idsQuery(500),
    successStatus: 200,
    response: ScriptResource,
  },
  {
    ...base,
    operationId: 'RTR_UpdateScripts',
    method: 'PATCH',
    path: '/real-time-response/entities/scripts/v1',
    summary: 'Replace a custom script or change its metadata (multipart, `id` required).',
    form: updateScriptForm,
    files: ['file'],
    successStatus: 200,
  },
  {
    ...base,
    operationId: 'RTR_UpdateScriptsV2',
    method: 'PATCH',
    path: '/real-time-response/entities/scripts/v2',
    summary: 'Replace a custom script or change its metadata (multipart, `id` required); answers with the script.',
    form: updateScriptForm,
    files: ['file'],
    successStatus: 200,
    response: ScriptResource,
  },
  {
    ...base,
    operationId: 'RTR_DeleteScripts',
    method: 'DELETE',
    path: '/real-time-response/entities/scripts/v1',
    summary: 'Delete custom scripts by id.',
    query: idsQuery(100),
    successStatus: 200,
  },
  {
    ...base,
    operationId: 'RTR_ListScripts',
    method: 'GET',
    path: '/real-time-response/queries/scripts/v1',
    summary: 'Ids of custom scripts matching an FQL filter that the caller may see (pages of at most 100).',
    query: listQuery,
    successStatus: 200,
    response: Type.String(),
  },
  // Falcon (built-in) scripts.
  {
    ...base,
    operationId: 'RTR_ListFalconScripts',
    method: 'GET',
    path: '/real-time-response/queries/falcon-scripts/v1',
    summary: 'Ids of the built-in scripts matching an FQL filter.',
    query: listQuery,
    successStatus: 200,
    response: Type.String(),
  },
  {
    ...base,
    operationId: 'RTR_GetFalconScripts',
    method: 'GET',
    path: '/real-time-response/entities/falcon-scripts/v1',
    summary: 'Built-in scripts (with their text) by id.',
    query: idsQuery(500),
    successStatus: 200,
    response: FalconScriptResource,
  },
]);
