import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { BlobStore } from '../blobs/index.ts';
import { BlobIndex } from '../blobs/index.ts';
import type { CommandRecord, CommandService } from '../commands/index.ts';
import type { AuditService } from '../audit/index.ts';
import { keyActor } from './sessions.ts';
import { badRequest, ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import type { CbFilesTable } from './tables.ts';
import { CB_MAX_UPLOAD_BYTES } from './limits.ts';
import type { CbApiKey, CbFile } from './index.ts';

const notFound = (id: string) => new ServiceError('not_found', `file ${id.slice(0, 64)} not found in this session`);

/**
 * The files of a session, on the blob store: uploads (for put file) and what get file retrieved.
 * A get file's row exists from the moment it is issued and gets its digest the first time anyone
 * looks after the command completed; until then it is not listed.
 */
export class CbFiles {
  private readonly index: BlobIndex;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly commands: CommandService,
    private readonly audit: AuditService,
    private readonly maxUploadBytes: number = CB_MAX_UPLOAD_BYTES,
  ) {
    this.index = new BlobIndex(db);
  }

  /** Store an upload's bytes as they arrive; nothing is recorded if the stream fails or is too big. */
  async store(sessionId: number, source: Readable, fileName: string, key: CbApiKey): Promise<CbFile> {
    const name = fileName.trim();
    if (!name || name.length > 255 || /[\\/\0]/.test(name)) throw badRequest('the file name must be 1-255 characters without slashes');
    const stored = await this.blobs.put(source, { maxBytes: this.maxUploadBytes });
    await this.index.record(stored);
    const row = { id: crypto.randomUUID(), session_id: sessionId, kind: 'upload', file_name: name, sha256: stored.sha256, size: stored.size, command_id: '', range_offset: 0, range_count: 0, created_at: nowIso(), deleted_at: null };
    await this.db.insertInto('cb_files').values(row).execute();
    await this.record(key, 'cb_file.upload', sessionId, { file_id: row.id, file_name: name, sha256: stored.sha256, size: stored.size });
    return toFile(row);
  }

  /** The upload a put file names; a 400 when the session has no such upload. */
  async upload(sessionId: number, fileId: string): Promise<CbFile> {
    const row = await this.row(sessionId, fileId).catch(() => undefined);
    if (!row || row.kind !== 'upload') throw badRequest(`file_id ${fileId.slice(0, 64)} is not a file uploaded to this session; upload it with POST /sessions/{id}/files first`);
    return toFile(row);
  }

  /** The session file a get file's content will land in. */
  async recordGet(sessionId: number, id: string, commandId: string, path: string, offset: number, count: number): Promise<void> {
    const file_name = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
    await this.db.insertInto('cb_files').values({ id, session_id: sessionId, kind: 'get', file_name, sha256: '', size: 0, command_id: commandId, range_offset: offset, range_count: count, created_at: nowIso(), deleted_at: null }).execute();
  }

  /** A get file's row, given its digest once its command has completed. */
  async settleGet(id: string, command: CommandRecord): Promise<CbFile | undefined> {
    const row = await this.db.selectFrom('cb_files').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    if (row.sha256 || command.status !== 'complete') return toFile(row);
    const sha256 = String(command.result?.sha256 ?? '');
    const whole = Number(command.result?.size ?? 0);
    const size = rangeLength(whole, Number(row.range_offset), Number(row.range_count));
    await this.db.updateTable('cb_files').set({ sha256, size }).where('id', '=', id).where('sha256', '=', '').execute();
    return toFile({ ...row, sha256, size });
  }

  async list(sessionId: number): Promise<CbFile[]> {
    await this.settleSession(sessionId);
    const rows = await this.db.selectFrom('cb_files').selectAll().where('session_id', '=', sessionId).where('deleted_at', 'is', null).where('sha256', '!=', '').orderBy('created_at').execute();
    return rows.map(toFile);
  }

  async get(sessionId: number, id: string): Promise<CbFile> {
    await this.settleSession(sessionId);
    const row = await this.row(sessionId, id);
    if (!row.sha256) throw new ServiceError('not_found', `file ${id.slice(0, 64)} is not retrieved yet; its get file command has not completed`);
    return toFile(row);
  }

  /** The bytes (a get file's range of them), streamed from the blob store. */
  async open(sessionId: number, id: string): Promise<{ file: CbFile; stream: Readable }> {
    const file = await this.get(sessionId, id);
    if (file.size === 0) return { file, stream: Readable.from([]) };
    const start = file.range_offset;
    return { file, stream: await this.blobs.open(file.sha256, { start, end: start + file.size - 1 }) };
  }

  async rename(sessionId: number, id: string, fileName: string): Promise<CbFile> {
    const name = fileName.trim();
    if (!name || name.length > 255 || /[\\/\0]/.test(name)) throw badRequest('the file name must be 1-255 characters without slashes');
    await this.row(sessionId, id);
    await this.db.updateTable('cb_files').set({ file_name: name }).where('id', '=', id).execute();
    return toFile(await this.row(sessionId, id));
  }

  /** Forget a file; the BlobCollector removes its bytes once nothing else refers to them. */
  async delete(sessionId: number, id: string, key: CbApiKey): Promise<void> {
    const row = await this.row(sessionId, id);
    await this.db.updateTable('cb_files').set({ deleted_at: nowIso() }).where('id', '=', id).execute();
    await this.record(key, 'cb_file.delete', sessionId, { file_id: id, file_name: row.file_name, sha256: row.sha256 });
  }

  private async record(key: CbApiKey, action: string, sessionId: number, details: Record<string, unknown>): Promise<void> {
    const actor = keyActor(key);
    await this.audit.record({ actor, action, target_type: 'cb_session', target_id: String(sessionId), details });
  }

  private async row(sessionId: number, id: string): Promise<Selectable<CbFilesTable>> {
    const row = await this.db.selectFrom('cb_files').selectAll().where('id', '=', id).where('session_id', '=', sessionId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound(id);
    return row;
  }

  private async settleSession(sessionId: number): Promise<void> {
    const pending = await this.db.selectFrom('cb_files').select(['id', 'command_id']).where('session_id', '=', sessionId).where('kind', '=', 'get').where('sha256', '=', '').where('command_id', '!=', '').execute();
    if (pending.length === 0) return;
    const commands = new Map((await this.commands.getMany(pending.map((p) => p.command_id))).map((c) => [c.id, c]));
    for (const p of pending) {
      const c = commands.get(p.command_id);
      if (c?.status === 'complete') await this.settleGet(p.id, c);
    }
  }
}

/** Bytes of a `size`-byte file from `offset`, at most `count` of them (0 = to the end). */
function rangeLength(size: number, offset: number, count: number): number {
  const rest = Math.max(0, size - offset);
  return count > 0 ? Math.min(rest, count) : rest;
}

function toFile(r: Selectable<CbFilesTable> | CbFilesTable): CbFile {
  return { id: r.id, session_id: Number(r.session_id), kind: r.kind as CbFile['kind'], file_name: r.file_name, sha256: r.sha256, size: Number(r.size), range_offset: Number(r.range_offset), range_count: Number(r.range_count), created_at: r.created_at };
}
