import { Readable } from 'node:stream';
import type { Platform } from '../platform.ts';
import { actorName, type Actor } from '../actor.ts';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { BlobStore } from '../blobs/index.ts';
import type { AuditService } from '../audit/index.ts';
import { queryIds } from '../fql/index.ts';
import { badRequest, conflict, notFound, ServiceError } from '../util/errors.ts';
import { nowIso } from '../util/ids.ts';
import { checkComment, checkName, isStaged, newEntryColumns, pageOf, StagingLibrary } from './entries.ts';
import { scriptFqlSchema } from './fql-schema.ts';
import { isUniqueViolation } from './unique.ts';
import { visibleTo } from './visibility.ts';
import {
  LIBRARY_PLATFORMS,
  MAX_LIST_LIMIT,
  SCRIPT_PERMISSIONS,
  type CreateScriptInput,
  type LibraryPage,
  type LibraryViewer,
  type ListQuery,
  type Script,
  type ScriptLibrary,
  type ScriptPermission,
  type StagedUpload,
  type UpdateScriptInput,
  type UploadStream,
} from './index.ts';
import type { RtrScriptsTable } from './tables.ts';

type Row = Selectable<RtrScriptsTable>;

/** Audit snapshots: what changed, never the script text (its digest identifies it). */
const snapshot = (s: Omit<Script, 'content'>) => ({
  id: s.id,
  name: s.name,
  description: s.description,
  permission_type: s.permission_type,
  platform: s.platform,
  sha256: s.sha256,
  size: s.size,
});

export class ScriptService extends StagingLibrary implements ScriptLibrary {
  private readonly decoder = new TextDecoder('utf-8');

  constructor(db: Kysely<Database>, blobs: BlobStore, audit: AuditService, maxBytes: number) {
    super(db, blobs, audit, maxBytes, 'script');
  }

  /** The script bytes as given: `content` when non-empty (explicit text beats an attachment), else the file. */
  private async bytesOf(input: { file?: StagedUpload | UploadStream; content?: string }, name: string | undefined): Promise<StagedUpload | undefined> {
    if (input.content !== undefined && input.content !== '') {
      if (input.file && isStaged(input.file)) await this.discard(input.file);
      else if (input.file) input.file.stream.resume();
      return this.stage({ stream: Readable.from([Buffer.from(input.content, 'utf8')]), filename: name ?? '', mimetype: 'text/plain' });
    }
    if (!input.file) return undefined;
    return isStaged(input.file) ? input.file : this.stage(input.file);
  }

  async create(input: CreateScriptInput, actor: Actor): Promise<Script> {
    const staged = await this.bytesOf(input, input.name);
    if (!staged) throw badRequest('a script needs its text: give "content" or a "file"');
    try {
      const name = checkName(input.name || staged.filename, 'script');
      const platforms = checkPlatforms(input.platform);
      const row: Row = {
        ...newEntryColumns(name, input, staged, actor),
        permission_type: checkPermission(input.permission_type),
        share_with_workflow: input.share_with_workflow ? 1 : 0,
        workflow_is_disruptive: input.workflow_is_disruptive ? 1 : 0,
        workflow_input_schema: input.workflow_input_schema ?? '',
        workflow_output_schema: input.workflow_output_schema ?? '',
        run_attempt_count: 0,
        run_success_count: 0,
      };
      await this.db.transaction().execute(async (trx) => {
        const taken = await trx.selectFrom('rtr_scripts').select('name').where('name_key', '=', row.name_key).executeTakeFirst();
        if (taken) throw duplicate(taken.name);
        await trx.insertInto('rtr_scripts').values(row).execute();
        await trx.insertInto('rtr_script_platforms').values(platforms.map((platform) => ({ script_id: row.id, platform }))).execute();
        await this.blobIndex.record(staged, trx);
        await this.audit.record(
          {
            actor,
            action: 'script.create',
            target_type: 'script',
            target_id: row.id,
            after: snapshot(toScript(row, platforms)),
            details: { comments_for_audit_log: row.comments_for_audit_log },
          },
          trx,
        );
      });
      return { ...toScript(row, platforms), content: await this.readContent(row.sha256) };
    } catch (err) {
      await this.discard(staged);
      if (isUniqueViolation(err)) throw duplicate(input.name || staged.filename);
      throw err;
    }
  }

  async getMany(ids: readonly string[], viewer: LibraryViewer): Promise<Script[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.db.selectFrom('rtr_scripts').selectAll().where('id', 'in', unique).where(visibleTo(viewer)).execute();
    const scripts = await this.withContent(rows);
    const byId = new Map(scripts.map((s) => [s.id, s]));
    return unique.map((id) => byId.get(id)).filter((s): s is Script => !!s);
  }

  async getByName(name: string, viewer?: LibraryViewer): Promise<Script | undefined> {
    let q = this.db.selectFrom('rtr_scripts').selectAll().where('name_key', '=', name.trim().toLowerCase());
    if (viewer) q = q.where(visibleTo(viewer));
    const row = await q.executeTakeFirst();
    return row && (await this.withContent([row]))[0];
  }

  async list(query: ListQuery, viewer: LibraryViewer): Promise<LibraryPage> {
    return queryIds(this.db.selectFrom('rtr_scripts').where(visibleTo(viewer)), scriptFqlSchema, { ...query, ...pageOf(query, MAX_LIST_LIMIT) }, 'created_timestamp.asc');
  }

  async update(input: UpdateScriptInput, actor: Actor): Promise<Script> {
    const current = (await this.getRows([input.id], actor))[0];
    if (!current) {
      if (input.file && !isStaged(input.file)) input.file.stream.resume();
      else if (input.file) await this.discard(input.file);
      throw notFound(`script ${input.id} not found`);
    }
    const staged = await this.bytesOf(input, input.name || current.row.name);
    try {
      const patch: Partial<Row> = { modified_by: actorName(actor), modified_by_uuid: actor.id, modified_timestamp: nowIso() };
      if (input.name !== undefined && input.name !== '') {
        patch.name = checkName(input.name, 'script');
        patch.name_key = patch.name.toLowerCase();
      }
      if (input.description !== undefined) patch.description = input.description;
      if (input.comments_for_audit_log !== undefined) patch.comments_for_audit_log = checkComment(input.comments_for_audit_log);
      if (input.permission_type !== undefined) patch.permission_type = checkPermission(input.permission_type);
      if (input.share_with_workflow !== undefined) patch.share_with_workflow = input.share_with_workflow ? 1 : 0;
      if (input.workflow_is_disruptive !== undefined) patch.workflow_is_disruptive = input.workflow_is_disruptive ? 1 : 0;
      if (input.workflow_input_schema !== undefined) patch.workflow_input_schema = input.workflow_input_schema;
      if (input.workflow_output_schema !== undefined) patch.workflow_output_schema = input.workflow_output_schema;
      if (staged) {
        patch.sha256 = staged.sha256;
        patch.size = staged.size;
      }
      const platforms = input.platform !== undefined && input.platform.length ? checkPlatforms(input.platform) : undefined;
      await this.db.transaction().execute(async (trx) => {
        if (patch.name_key && patch.name_key !== current.row.name_key) {
          const clash = await trx.selectFrom('rtr_scripts').select('name').where('name_key', '=', patch.name_key).where('id', '!=', input.id).executeTakeFirst();
          if (clash) throw duplicate(clash.name);
        }
        await trx.updateTable('rtr_scripts').set(patch).where('id', '=', input.id).execute();
        if (platforms) {
          await trx.deleteFrom('rtr_script_platforms').where('script_id', '=', input.id).execute();
          await trx.insertInto('rtr_script_platforms').values(platforms.map((platform) => ({ script_id: input.id, platform }))).execute();
        }
        if (staged) await this.blobIndex.record(staged, trx);
        const after = toScript({ ...current.row, ...patch }, platforms ?? current.platforms);
        await this.audit.record(
          {
            actor,
            action: 'script.update',
            target_type: 'script',
            target_id: input.id,
            before: snapshot(toScript(current.row, current.platforms)),
            after: snapshot(after),
            details: { comments_for_audit_log: input.comments_for_audit_log ?? '' },
          },
          trx,
        );
      });
    } catch (err) {
      if (staged) await this.discard(staged);
      if (isUniqueViolation(err)) throw duplicate(input.name ?? current.row.name);
      throw err;
    }
    return (await this.getMany([input.id], actor))[0];
  }

  async delete(ids: readonly string[], actor: Actor): Promise<string[]> {
    const found = await this.getRows(ids, actor);
    if (!found.length) return [];
    await this.db.transaction().execute(async (trx) => {
      const foundIds = found.map((f) => f.row.id);
      await trx.deleteFrom('rtr_script_platforms').where('script_id', 'in', foundIds).execute();
      await trx.deleteFrom('rtr_scripts').where('id', 'in', foundIds).execute();
      for (const f of found) {
        await this.audit.record(
          { actor, action: 'script.delete', target_type: 'script', target_id: f.row.id, before: snapshot(toScript(f.row, f.platforms)) },
          trx,
        );
      }
    });
    return found.map((f) => f.row.id);
  }

  async recordRun(id: string, succeeded: boolean): Promise<void> {
    await this.db
      .updateTable('rtr_scripts')
      .set({
        run_attempt_count: sql`run_attempt_count + 1`,
        run_success_count: succeeded ? sql`run_success_count + 1` : sql`run_success_count`,
      })
      .where('id', '=', id)
      .execute();
  }

  private async getRows(ids: readonly string[], viewer: LibraryViewer): Promise<{ row: Row; platforms: Platform[] }[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const rows = await this.db.selectFrom('rtr_scripts').selectAll().where('id', 'in', unique).where(visibleTo(viewer)).execute();
    const platforms = await this.platformsOf(rows.map((r) => r.id));
    return rows.map((row) => ({ row, platforms: platforms.get(row.id) ?? [] }));
  }

  private async platformsOf(ids: string[]): Promise<Map<string, Platform[]>> {
    const map = new Map<string, Platform[]>();
    if (!ids.length) return map;
    const rows = await this.db.selectFrom('rtr_script_platforms').selectAll().where('script_id', 'in', ids).execute();
    for (const r of rows) map.set(r.script_id, [...(map.get(r.script_id) ?? []), r.platform as Platform]);
    // A stable order (the vendor's list order) whatever order the rows came back in.
    for (const [id, list] of map) map.set(id, LIBRARY_PLATFORMS.filter((p) => list.includes(p)));
    return map;
  }

  private async withContent(rows: Row[]): Promise<Script[]> {
    const platforms = await this.platformsOf(rows.map((r) => r.id));
    return Promise.all(rows.map(async (r) => ({ ...toScript(r, platforms.get(r.id) ?? []), content: await this.readContent(r.sha256) })));
  }

  /** Scripts are small (bounded by the script limit), so reading one whole is fine. */
  private async readContent(sha256: string): Promise<string> {
    let stream: Readable;
    try {
      stream = await this.blobs.open(sha256);
    } catch (err) {
      if (err instanceof ServiceError && err.status === 404) throw new ServiceError('content_missing', `script content ${sha256} is missing from the blob store`);
      throw err;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return this.decoder.decode(Buffer.concat(chunks));
  }
}

function toScript(r: Row, platform: Platform[]): Omit<Script, 'content'> {
  const { name_key: _key, share_with_workflow, workflow_is_disruptive, ...rest } = r;
  return {
    ...rest,
    size: Number(r.size),
    run_attempt_count: Number(r.run_attempt_count),
    run_success_count: Number(r.run_success_count),
    permission_type: r.permission_type as ScriptPermission,
    share_with_workflow: share_with_workflow === 1,
    workflow_is_disruptive: workflow_is_disruptive === 1,
    platform,
  };
}

function checkPermission(p: string): ScriptPermission {
  if (!(SCRIPT_PERMISSIONS as readonly string[]).includes(p)) throw badRequest(`permission_type must be one of ${SCRIPT_PERMISSIONS.join(', ')}; got "${p}"`);
  return p as ScriptPermission;
}

/** The vendor defaults to windows when no platform is given. */
function checkPlatforms(list: readonly string[] | undefined): Platform[] {
  const given = (list ?? []).map((p) => p.trim().toLowerCase()).filter(Boolean);
  if (!given.length) return ['windows'];
  const bad = given.find((p) => !(LIBRARY_PLATFORMS as readonly string[]).includes(p));
  if (bad) throw badRequest(`platform must be among ${LIBRARY_PLATFORMS.join(', ')}; got "${bad}"`);
  return LIBRARY_PLATFORMS.filter((p) => given.includes(p));
}

function duplicate(name: string): ServiceError {
  return conflict(`a script named "${name}" already exists`);
}
