import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import type { BlobStore } from '../blobs/index.ts';
import type { AuditService } from '../audit/index.ts';
import { FalconScriptService } from './falcon-scripts.ts';
import { PutFileService } from './put-files.ts';
import { ScriptService } from './scripts.ts';
import {
  DEFAULT_MAX_PUT_FILE_BYTES,
  DEFAULT_MAX_SCRIPT_BYTES,
  type FalconScriptLibrary,
  type PutFileLibrary,
  type RtrLibraryOptions,
  type ScriptLibrary,
} from './index.ts';

/** The three libraries over one store; wired into Core as `core.rtrLibrary`. */
export class RtrLibraryService {
  readonly putFiles: PutFileLibrary;
  readonly scripts: ScriptLibrary;
  readonly falconScripts: FalconScriptLibrary;
  readonly maxPutFileBytes: number;
  readonly maxScriptBytes: number;

  constructor(deps: { db: Kysely<Database>; blobs: BlobStore; audit: AuditService }, opts: RtrLibraryOptions = {}) {
    this.maxPutFileBytes = opts.maxPutFileBytes ?? DEFAULT_MAX_PUT_FILE_BYTES;
    this.maxScriptBytes = opts.maxScriptBytes ?? DEFAULT_MAX_SCRIPT_BYTES;
    this.putFiles = new PutFileService(deps.db, deps.blobs, deps.audit, this.maxPutFileBytes);
    this.scripts = new ScriptService(deps.db, deps.blobs, deps.audit, this.maxScriptBytes);
    this.falconScripts = new FalconScriptService(deps.db);
  }
}
