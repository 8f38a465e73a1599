import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import { IS_OPEN, OPEN_STATUSES } from '../commands/index.ts';
import type { BlobStore } from './index.ts';

/**
 * A blob written this recently is never collected: a retrieved file is published a moment
 * before the result that names it is stored, and content uploaded again (a new `get` of the same
 * file) is a fresh file with a fresh time.
 */
const GRACE_MS = 15 * 60_000;
/** Upload leftovers (`.part`, `.tmp`) older than this belong to no live transfer. */
const STALE_UPLOAD_MS = 24 * 3600_000;

export interface CollectResult {
  /** Digests of the blobs removed. */
  removed: string[];
  /** Upload leftovers removed from the temp directory. */
  leftovers: number;
}

/**
 * Removes blobs nothing refers to any more, so that deleting a retrieved file (or a put-file, or
 * a script) really removes its bytes from the server's disk: retrieved files are often malware
 * or private documents. The references: live retrieved files (also those whose `get` has ended
 * but whose row is not yet settled), put-files, scripts, Falcon scripts, open transfers, and
 * open commands that name a blob (`put`). Sweeps run on every replica; removing twice is harmless.
 */
export class BlobCollector {
  private timer?: NodeJS.Timeout;
  private running?: Promise<CollectResult>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Collect every `everyMs` (the server: five minutes, so deleted files are gone within minutes). */
  start(everyMs = 5 * 60_000, onError: (err: unknown) => void = () => {}): void {
    this.stop();
    this.timer = setInterval(() => void this.collect().catch(onError), everyMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sweep; a sweep asked for while one runs shares it. */
  collect(): Promise<CollectResult> {
    this.running ??= this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(): Promise<CollectResult> {
    const referenced = await this.referenced();
    const removed: string[] = [];
    const candidates = await this.db.selectFrom('blobs').select('sha256').execute();
    for (const { sha256 } of candidates) {
      if (referenced.has(sha256)) continue;
      const stat = await fsp.stat(this.blobs.path(sha256)).catch(() => undefined);
      if (stat && this.now() - stat.mtimeMs < GRACE_MS) continue;
      // The index row first: a reader then finds no blob rather than a record without bytes.
      await this.db.deleteFrom('blobs').where('sha256', '=', sha256).execute();
      await this.blobs.delete(sha256);
      removed.push(sha256);
    }
    return { removed, leftovers: await this.removeLeftovers() };
  }

  private async referenced(): Promise<Set<string>> {
    const out = new Set<string>();
    const add = (rows: { sha256: string }[]) => {
      for (const r of rows) if (r.sha256) out.add(r.sha256);
    };
    add(await this.db.selectFrom('rtr_files').select('sha256').where('deleted_at', 'is', null).where('status', '=', 'complete').execute());
    add(await this.db.selectFrom('rtr_put_files').select('sha256').execute());
    add(await this.db.selectFrom('rtr_scripts').select('sha256').execute());
    add(await this.db.selectFrom('rtr_falcon_scripts').select('sha256').execute());
    add(await this.db.selectFrom('transfers').select('sha256').where('status', '=', 'open').execute());
    // Carbon Black session files: uploads, and retrieved ones (settled, or still only in their command's result).
    add(await this.db.selectFrom('cb_files').select('sha256').where('deleted_at', 'is', null).execute());
    const cbPending = await this.db
      .selectFrom('cb_files')
      .innerJoin('commands', 'commands.id', 'cb_files.command_id')
      .select('commands.result')
      .where('cb_files.deleted_at', 'is', null)
      .where('cb_files.sha256', '=', '')
      .where('commands.result', 'is not', null)
      .execute();
    for (const r of cbPending) out.add(digestIn(r.result, 'sha256'));
    // Retrieved files not yet settled: the digest is still only in their command's result.
    const pending = await this.db
      .selectFrom('rtr_files')
      .innerJoin('commands', 'commands.id', 'rtr_files.command_id')
      .select('commands.result')
      .where('rtr_files.deleted_at', 'is', null)
      .where('rtr_files.status', '=', 'pending')
      .where('commands.result', 'is not', null)
      .execute();
    for (const r of pending) out.add(digestIn(r.result, 'sha256'));
    // A `put` waiting for its host names the blob in its arguments.
    const open = await this.db.selectFrom('commands').select('args').where(IS_OPEN).where('status', 'in', OPEN_STATUSES).where('name', '=', 'put').execute();
    for (const r of open) out.add(digestIn(r.args, 'sha256'));
    out.delete('');
    return out;
  }

  private async removeLeftovers(): Promise<number> {
    let removed = 0;
    for (const name of await fsp.readdir(this.blobs.tempDir).catch(() => [] as string[])) {
      const file = path.join(this.blobs.tempDir, name);
      const stat = await fsp.stat(file).catch(() => undefined);
      if (!stat?.isFile() || this.now() - stat.mtimeMs < STALE_UPLOAD_MS) continue;
      await fsp.rm(file, { force: true });
      removed++;
    }
    return removed;
  }
}

function digestIn(json: string | null, key: string): string {
  try {
    const value = (JSON.parse(json ?? 'null') as Record<string, unknown> | null)?.[key];
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}
