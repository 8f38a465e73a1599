/**
 * The RTR library: put-files (sent to hosts by `put`), custom scripts (run by
 * `runscript -CloudFile=`) and the built-in Falcon scripts (`falconscript`). Bytes live in the
 * blob store; the database holds names, owners and digests. Every change is audited in the same
 * transaction as the change itself.
 *
 * This file is the contract the dialects and the RTR command service code against.
 */
import type { Readable } from 'node:stream';
import type { Actor } from '../actor.ts';
import type { Platform } from '../platform.ts';
import type { IdPage, PageQuery } from '../fql/index.ts';
import type { EntryRow } from './tables.ts';

export type ScriptPermission = 'private' | 'group' | 'public';
export const SCRIPT_PERMISSIONS: readonly ScriptPermission[] = ['private', 'group', 'public'];

/** The platforms a script may name, in the order the library lists them. */
export const LIBRARY_PLATFORMS: readonly Platform[] = ['windows', 'linux', 'mac'];

/**
 * Who looks. `private` scripts are visible to their owner only; `group` scripts to RTR admins
 * only (admin defaults to true: the library API itself requires the admin scope); `public` to all.
 */
export interface LibraryViewer extends Actor {
  admin?: boolean;
}

/** What put-files and scripts share: their row, less the lookup key. */
type LibraryEntry = Omit<EntryRow, 'name_key'>;

export interface PutFile extends LibraryEntry {
  /** Content type the uploader declared for the file part ('' when none). */
  file_type: string;
}

export interface Script extends LibraryEntry {
  /** The script text (UTF-8 decode of the stored bytes). */
  content: string;
  platform: Platform[];
  permission_type: ScriptPermission;
  share_with_workflow: boolean;
  workflow_is_disruptive: boolean;
  workflow_input_schema: string;
  workflow_output_schema: string;
  run_attempt_count: number;
  run_success_count: number;
}

/** A script shipped with riposte (read-only). */
export interface FalconScript {
  id: string;
  name: string;
  description: string;
  content: string;
  sha256: string;
  size: number;
  platform: Platform[];
  use_case: string;
  categories: string[];
  is_disruptive: boolean;
  modifies_system: boolean;
  /** `falconscript -JsonInput` keys the script takes, in the order a shell script reads them ($1, $2…). */
  parameters: string[];
  revision: number;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
}

/** One page of ids of a list query. */
export type LibraryPage = IdPage;

export type ListQuery = PageQuery;

/** The bytes of an upload as they arrive; consumed once, never buffered whole. */
export interface UploadStream {
  stream: Readable;
  /** Client-side file name of the part, used when no `name` is given. */
  filename?: string;
  /** The part's content type. */
  mimetype?: string;
}

/**
 * An upload already streamed into the blob store. Multipart parts arrive in any order (the JS SDK
 * sends the file before the other fields), so bytes are stored before the form is known; a staged
 * upload is then recorded by create/update or dropped with discard.
 */
export interface StagedUpload {
  sha256: string;
  size: number;
  filename: string;
  mimetype: string;
}

export interface CreatePutFileInput {
  file: StagedUpload | UploadStream;
  description: string;
  /** Library name; defaults to the uploaded file's name. */
  name?: string;
  comments_for_audit_log?: string;
}

export interface CreateScriptInput {
  /** The script bytes: a file, or `content` (which wins when both are given and non-empty). */
  file?: StagedUpload | UploadStream;
  content?: string;
  description: string;
  name?: string;
  comments_for_audit_log?: string;
  permission_type: ScriptPermission;
  /** Default ['windows'] (as the vendor). */
  platform?: Platform[];
  share_with_workflow?: boolean;
  workflow_is_disruptive?: boolean;
  workflow_input_schema?: string;
  workflow_output_schema?: string;
}

export interface UpdateScriptInput extends Partial<Omit<CreateScriptInput, 'description' | 'permission_type'>> {
  id: string;
  description?: string;
  permission_type?: ScriptPermission;
}

export interface PutFileLibrary {
  /** Stream a file part into the blob store; 413 past the put-file size limit. */
  stage(upload: UploadStream): Promise<StagedUpload>;
  /** Drop a staged upload that will not be recorded (its blob goes unless something else holds it). */
  discard(staged: StagedUpload): Promise<void>;
  /** Record an upload; 409 on a duplicate name (the staged blob is discarded), 400 on a bad name. */
  create(input: CreatePutFileInput, actor: Actor): Promise<PutFile>;
  getMany(ids: readonly string[]): Promise<PutFile[]>;
  get(id: string): Promise<PutFile | undefined>;
  /** The put-file `put <name>` refers to (names are unique, case-insensitively). */
  getByName(name: string): Promise<PutFile | undefined>;
  list(query: ListQuery): Promise<LibraryPage>;
  /** Ids actually deleted. */
  delete(ids: readonly string[], actor: Actor): Promise<string[]>;
  /** The bytes of a put-file (404 when unknown). */
  open(id: string): Promise<{ file: PutFile; stream: Readable }>;
}

export interface ScriptLibrary {
  /** Stream a script file part into the blob store; 413 past the script size limit. */
  stage(upload: UploadStream): Promise<StagedUpload>;
  discard(staged: StagedUpload): Promise<void>;
  create(input: CreateScriptInput, actor: Actor): Promise<Script>;
  /** Only what `viewer` may see; absent ids and invisible ones look the same. */
  getMany(ids: readonly string[], viewer: LibraryViewer): Promise<Script[]>;
  /**
   * The script `runscript -CloudFile="name"` refers to. Pass the caller so that another client's
   * private script (or a group script for a non-admin) is not found; without a viewer every
   * script is returned (internal use only).
   */
  getByName(name: string, viewer?: LibraryViewer): Promise<Script | undefined>;
  list(query: ListQuery, viewer: LibraryViewer): Promise<LibraryPage>;
  /** 404 when the script is absent or not visible to the actor. */
  update(input: UpdateScriptInput, actor: Actor): Promise<Script>;
  delete(ids: readonly string[], actor: Actor): Promise<string[]>;
  /** Count a run of the script (RTR runscript), for `run_attempt_count`/`run_success_count`. */
  recordRun(id: string, succeeded: boolean): Promise<void>;
}

export interface FalconScriptLibrary {
  list(query: ListQuery): Promise<LibraryPage>;
  getMany(ids: readonly string[]): Promise<FalconScript[]>;
  /** The script `falconscript -Name=` refers to (case-insensitive). */
  getByName(name: string): Promise<FalconScript | undefined>;
}

export interface RtrLibraryOptions {
  /** Largest put-file, bytes (default 100 MiB). */
  maxPutFileBytes?: number;
  /** Largest script, bytes (default 5 MiB). */
  maxScriptBytes?: number;
}

export const DEFAULT_MAX_PUT_FILE_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_SCRIPT_BYTES = 5 * 1024 * 1024;
/** Vendor limit on audit comments. */
export const MAX_AUDIT_COMMENT = 4096;
/** Vendor page size limit of the put-file and script lists. */
export const MAX_LIST_LIMIT = 100;

export { RtrLibraryService } from './rtr-library-service.ts';
export { putFileFqlSchema, scriptFqlSchema, falconScriptFqlSchema } from './fql-schema.ts';
export { scriptUsableBy, type ScriptUserTier } from './visibility.ts';
export type { RtrLibraryTables } from './tables.ts';
