import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { BlobIndex, type BlobStore } from '../blobs/index.ts';
import type { AuditService } from '../audit/index.ts';
import { badRequest, ServiceError } from '../util/errors.ts';
import { actorName, type Actor } from '../actor.ts';
import { newId, nowIso } from '../util/ids.ts';
import { MAX_AUDIT_COMMENT, type ListQuery, type StagedUpload, type UploadStream } from './index.ts';

/** What put-files and scripts share: names that become file names on hosts, staged blobs, paging. */

/** Longest name: a file name component on every platform riposte's agent runs on. */
export const MAX_NAME_LENGTH = 255;

/**
 * A library name is what `put <name>` writes on the host, so it must be a bare file name: no
 * directory separators (either OS's), no drive/stream colon, no `..`, no control characters.
 */
export function checkName(raw: string | undefined, what: string): string {
  const name = (raw ?? '').trim();
  if (!name) throw badRequest(`${what} name is required (give "name", or a file with a file name)`);
  if (name.length > MAX_NAME_LENGTH) throw badRequest(`${what} name is longer than ${MAX_NAME_LENGTH} characters`);
  if (/[/\\:]/.test(name)) throw badRequest(`${what} name must be a plain file name without path separators: "${name}"`);
  if (name.includes('..')) throw badRequest(`${what} name must not contain "..": "${name}"`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badRequest(`${what} name must not contain control characters`);
  return name;
}

export function checkComment(comment: string | undefined): string {
  const c = comment ?? '';
  if (c.length > MAX_AUDIT_COMMENT) throw badRequest(`comments_for_audit_log is longer than ${MAX_AUDIT_COMMENT} characters`);
  return c;
}

/** The columns a new put-file and a new script share: id, name, description, the staged bytes, who created it and when. */
export function newEntryColumns(name: string, input: { description: string; comments_for_audit_log?: string }, staged: StagedUpload, actor: Actor) {
  const now = nowIso();
  return {
    id: newId(),
    name,
    name_key: name.toLowerCase(),
    description: input.description,
    comments_for_audit_log: checkComment(input.comments_for_audit_log),
    sha256: staged.sha256,
    size: staged.size,
    created_by: actorName(actor),
    created_by_uuid: actor.id,
    created_timestamp: now,
    modified_by: actorName(actor),
    modified_by_uuid: actor.id,
    modified_timestamp: now,
  };
}

export function isStaged(file: StagedUpload | UploadStream): file is StagedUpload {
  return typeof (file as StagedUpload).sha256 === 'string';
}

/** Stream an upload into the blob store, refusing more than `maxBytes` (413, nothing left behind). */
export async function stageUpload(blobs: BlobStore, upload: UploadStream, maxBytes: number, what: string): Promise<StagedUpload> {
  try {
    const { sha256, size } = await blobs.put(upload.stream, { maxBytes });
    return { sha256, size, filename: upload.filename ?? '', mimetype: upload.mimetype ?? '' };
  } catch (err) {
    if (err instanceof ServiceError && err.status === 413) throw new ServiceError('too_large', `${what} is larger than the ${maxBytes}-byte limit`);
    throw err;
  }
}

/**
 * Drop a staged blob unless the blob index knows it (then another record holds the same bytes:
 * blobs are content-addressed and shared). Best effort: a failed upload must not fail twice.
 */
export async function discardUpload(db: Kysely<Database>, blobs: BlobStore, staged: StagedUpload): Promise<void> {
  try {
    const known = await db.selectFrom('blobs').select('sha256').where('sha256', '=', staged.sha256).executeTakeFirst();
    if (!known) await blobs.delete(staged.sha256);
  } catch {
    /* an orphan blob costs disk, not correctness */
  }
}

/** The vendor's list pages hold at most 100 ids; larger limits are clamped, not refused. */
export function pageOf(query: ListQuery, max: number): { offset: number; limit: number } {
  return { offset: Math.max(0, query.offset ?? 0), limit: Math.min(Math.max(1, query.limit ?? max), max) };
}

/**
 * What both libraries (put-files, scripts) share: their storage, and staging uploaded bytes in the
 * blob store as they arrive, up to the library's size limit, before a record is written.
 */
export abstract class StagingLibrary {
  protected readonly blobIndex: BlobIndex;

  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly blobs: BlobStore,
    protected readonly audit: AuditService,
    private readonly maxBytes: number,
    private readonly what: 'put-file' | 'script',
  ) {
    this.blobIndex = new BlobIndex(db);
  }

  stage(upload: UploadStream): Promise<StagedUpload> {
    return stageUpload(this.blobs, upload, this.maxBytes, this.what);
  }

  discard(staged: StagedUpload): Promise<void> {
    return discardUpload(this.db, this.blobs, staged);
  }
}
