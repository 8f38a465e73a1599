import type { Readable } from 'node:stream';
import type { Actor } from '../actor.ts';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { BlobStore } from '../blobs/index.ts';
import type { AuditService } from '../audit/index.ts';
import { queryIds } from '../fql/index.ts';
import { conflict, notFound, ServiceError } from '../util/errors.ts';
import { checkName, isStaged, newEntryColumns, pageOf, StagingLibrary } from './entries.ts';
import { putFileFqlSchema } from './fql-schema.ts';
import { isUniqueViolation } from './unique.ts';
import {
  MAX_LIST_LIMIT,
  type CreatePutFileInput,
  type LibraryPage,
  type ListQuery,
  type PutFile,
  type PutFileLibrary,
  type StagedUpload,
  type UploadStream,
} from './index.ts';
import type { RtrPutFilesTable } from './tables.ts';

const toPutFile = (r: Selectable<RtrPutFilesTable>): PutFile => {
  const { name_key: _key, ...rest } = r;
  return { ...rest, size: Number(r.size) };
};

/** Audit snapshots: the metadata a reviewer needs, never the bytes. */
const snapshot = (f: PutFile) => ({ id: f.id, name: f.name, description: f.description, sha256: f.sha256, size: f.size });

export class PutFileService extends StagingLibrary implements PutFileLibrary {
  constructor(db: Kysely<Database>, blobs: BlobStore, audit: AuditService, maxBytes: number) {
    super(db, blobs, audit, maxBytes, 'put-file');
  }

  async create(input: CreatePutFileInput, actor: Actor): Promise<PutFile> {
    const staged = isStaged(input.file) ? input.file : await this.stage(input.file);
    try {
      const name = checkName(input.name || staged.filename, 'put-file');
      const row: Selectable<RtrPutFilesTable> = {
        ...newEntryColumns(name, input, staged, actor),
        file_type: staged.mimetype,
      };
      await this.db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('rtr_put_files').select('name').where('name_key', '=', row.name_key).executeTakeFirst();
        if (taken) throw duplicate(taken.name);
        await trx.insertInto('rtr_put_files').values(row).execute();
        await this.blobIndex.record(staged, trx);
        await this.audit.record(
          { actor, action: 'put_file.create', target_type: 'put_file', target_id: row.id, after: snapshot(toPutFile(row)), details: { comments_for_audit_log: row.comments_for_audit_log } },
          trx,
        );
      });
      return toPutFile(row);
    } catch (err) {
      await this.discard(staged);
      if (isUniqueViolation(err)) throw duplicate(input.name || staged.filename);
      throw err;
    }
  }

  async getMany(ids: readonly string[]): Promise<PutFile[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.db.selectFrom('rtr_put_files').selectAll().where('id', 'in', unique).execute();
    const byId = new Map(rows.map((r) => [r.id, toPutFile(r)]));
    return unique.map((id) => byId.get(id)).filter((f): f is PutFile => !!f);
  }

  async get(id: string): Promise<PutFile | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getByName(name: string): Promise<PutFile | undefined> {
    const row = await this.db.selectFrom('rtr_put_files').selectAll().where('name_key', '=', name.trim().toLowerCase()).executeTakeFirst();
    return row && toPutFile(row);
  }

  async list(query: ListQuery): Promise<LibraryPage> {
    return queryIds(this.db.selectFrom('rtr_put_files'), putFileFqlSchema, { ...query, ...pageOf(query, MAX_LIST_LIMIT) }, 'created_timestamp.asc');
  }

  async delete(ids: readonly string[], actor: Actor): Promise<string[]> {
    const found = await this.getMany(ids);
    if (!found.length) return [];
    // The blobs stay for now: they may back another entry or a `put` in flight; the BlobCollector removes them when nothing does.
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('rtr_put_files').where('id', 'in', found.map((f) => f.id)).execute();
      for (const f of found) {
        await this.audit.record({ actor, action: 'put_file.delete', target_type: 'put_file', target_id: f.id, before: snapshot(f) }, trx);
      }
    });
    return found.map((f) => f.id);
  }

  async open(id: string): Promise<{ file: PutFile; stream: Readable }> {
    const file = await this.get(id);
    if (!file) throw notFound(`put-file ${id} not found`);
    try {
      return { file, stream: await this.blobs.open(file.sha256) };
    } catch (err) {
      // The record outlived its bytes (lost volume): a server-side fault, not the caller's.
      if (err instanceof ServiceError && err.status === 404) throw new ServiceError('content_missing', `content of put-file ${id} is missing from the blob store`);
      throw err;
    }
  }
}

function duplicate(name: string): ServiceError {
  return conflict(`a put-file named "${name}" already exists`);
}
