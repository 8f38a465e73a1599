import type { Kysely } from 'kysely';
import type { Database, TransfersTable } from '../db/index.ts';
import { BlobIndex, assertSha256, type BlobStore } from '../blobs/index.ts';
import { ServiceError, badRequest, conflict, notFound } from '../util/errors.ts';
import { newId, newSecret, nowIso } from '../util/ids.ts';
import { tokenDigest } from '../util/secrets.ts';
import { LogSink, type CoreLog } from '../util/log.ts';

export type TransferDirection = TransfersTable['direction'];

/** A transfer as services see it: everything but the token's digest. */
export type TransferRecord = Omit<TransfersTable, 'token_hash'>;

export interface MintRequest {
  command_id: string;
  device_id: string;
  direction: TransferDirection;
  /** download: the blob to send (required). upload: the digest the file must have, if known. */
  sha256?: string;
  /** download: checked against the blob. upload: the size the file must have, if known. */
  size?: number;
  /** upload: refuse more bytes than this (capped at the service's maxUploadBytes). */
  max_size?: number;
}

/** Why a token does not authorise a request; the HTTP layer maps these to 401 / 410. */
export type TransferDenial = 'unknown' | 'wrong_direction' | 'expired' | 'closed';

export type TransferCheck = { ok: true; transfer: TransferRecord } | { ok: false; reason: TransferDenial };

export interface TransferServiceOptions {
  /** Largest upload a token may carry unless the minting caller sets less. Default 8 GiB. */
  maxUploadBytes?: number;
  /** How long a token stays usable (for resuming, too). Default one hour. */
  lifetimeMs?: number;
  /** Where a failed transfer's reason is logged. */
  log?: CoreLog;
}

const COLUMNS = [
  'id', 'command_id', 'device_id', 'direction', 'sha256', 'size', 'max_size', 'received', 'status',
  'created_at', 'expires_at', 'completed_at',
] as const;

/**
 * Tokens that let one agent move one file for one command, over HTTP beside the control channel.
 * A token works repeatedly while its transfer is open (that is how uploads and downloads resume)
 * and never again once the transfer completes or fails. Only the token's sha256 is stored.
 */
export class TransferService {
  private readonly index: BlobIndex;
  private readonly maxUploadBytes: number;
  private readonly lifetimeMs: number;
  private readonly log: CoreLog;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    opts: TransferServiceOptions = {},
  ) {
    this.index = new BlobIndex(db);
    this.maxUploadBytes = opts.maxUploadBytes ?? 8 * 1024 ** 3;
    this.lifetimeMs = opts.lifetimeMs ?? 60 * 60 * 1000;
    this.log = opts.log ?? new LogSink();
  }

  async mint(req: MintRequest): Promise<{ id: string; token: string; expires_at: string }> {
    if (req.direction !== 'upload' && req.direction !== 'download') throw badRequest(`invalid transfer direction ${String(req.direction)}`);
    for (const key of ['size', 'max_size'] as const) {
      const v = req[key];
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw badRequest(`${key} must be a non-negative integer`);
    }
    let sha256 = '';
    let size = 0;
    let maxSize: number;
    if (req.direction === 'download') {
      sha256 = assertSha256(req.sha256);
      // Refuse now rather than hand the agent a token for bytes that are not there.
      const stored = await this.blobs.stat(sha256);
      if (!stored) throw notFound(`blob ${sha256} not found`);
      if (req.size !== undefined && req.size !== stored.size) throw badRequest(`blob ${sha256} is ${stored.size} bytes, not ${req.size}`);
      size = stored.size;
      maxSize = stored.size;
    } else {
      if (req.sha256 !== undefined) sha256 = assertSha256(req.sha256);
      size = req.size ?? 0;
      maxSize = Math.min(req.max_size ?? this.maxUploadBytes, this.maxUploadBytes);
    }
    const token = newSecret(32);
    const id = newId();
    const now = Date.now();
    const expires_at = new Date(now + this.lifetimeMs).toISOString();
    await this.db
      .insertInto('transfers')
      .values({
        id,
        token_hash: tokenDigest(token),
        command_id: req.command_id,
        device_id: req.device_id,
        direction: req.direction,
        sha256,
        size,
        max_size: maxSize,
        received: 0,
        status: 'open',
        created_at: new Date(now).toISOString(),
        expires_at,
        completed_at: null,
      })
      .execute();
    return { id, token, expires_at };
  }

  /** Like `authorize`, but says why a token was refused (gone for good vs never valid). */
  async check(token: string, direction: TransferDirection): Promise<TransferCheck> {
    if (!token || token.length > 512) return { ok: false, reason: 'unknown' };
    const row = await this.db
      .selectFrom('transfers')
      .select(COLUMNS)
      .where('token_hash', '=', tokenDigest(token))
      .executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.direction !== direction) return { ok: false, reason: 'wrong_direction' };
    if (row.status !== 'open') return { ok: false, reason: 'closed' };
    if (row.expires_at <= nowIso()) return { ok: false, reason: 'expired' };
    return { ok: true, transfer: row };
  }

  /** The open, unexpired transfer a token grants in `direction`; undefined otherwise. */
  async authorize(token: string, direction: TransferDirection): Promise<TransferRecord | undefined> {
    const c = await this.check(token, direction);
    return c.ok ? c.transfer : undefined;
  }

  /** Bytes durably received so far: the offset an interrupted upload resumes from. */
  async recordProgress(id: string, received: number): Promise<void> {
    await this.db.updateTable('transfers').set({ received }).where('id', '=', id).where('status', '=', 'open').execute();
  }

  /**
   * Fix an upload's digest to what the server computed over the bytes it received, before they
   * are imported: if the answer to that request is lost, a retried completion can then be
   * accepted only for these bytes, never for another blob the agent names.
   */
  async pinDigest(id: string, sha256: string): Promise<void> {
    const digest = assertSha256(sha256);
    const res = await this.db
      .updateTable('transfers')
      .set({ sha256: digest })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where('direction', '=', 'upload')
      .where((eb) => eb.or([eb('sha256', '=', ''), eb('sha256', '=', digest)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new ServiceError('digest_mismatch', `transfer ${id} is not an open upload expecting ${digest}`);
  }

  /**
   * Close the transfer as done, which spends its token. For an upload the blob is recorded in
   * the blob index in the same transaction, and a digest or size fixed at mint time must match.
   */
  async complete(id: string, result: { sha256: string; size: number }): Promise<TransferRecord> {
    const sha256 = assertSha256(result.sha256);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('transfers').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`transfer ${id} not found`);
      if (row.status !== 'open') throw conflict(`transfer ${id} is already ${row.status}`);
      if (row.direction === 'upload') {
        if (row.sha256 && row.sha256 !== sha256) {
          throw new ServiceError('digest_mismatch', `uploaded sha256 ${sha256} is not the expected ${row.sha256}`);
        }
        if (row.size && row.size !== result.size) {
          throw new ServiceError('size_mismatch', `uploaded ${result.size} bytes, expected ${row.size}`);
        }
        await this.index.record({ sha256, size: result.size }, trx);
      }
      const done = { sha256, size: result.size, received: result.size, status: 'complete' as const, completed_at: nowIso() };
      // Conditional on 'open': two replicas finishing the same transfer cannot both succeed.
      const updated = await trx.updateTable('transfers').set(done).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw conflict(`transfer ${id} is no longer open`);
      return { ...row, ...done };
    });
  }

  /**
   * Close the transfer as failed, which spends its token; the agent reports the command failed.
   * The reason is logged with the transfer's command and host, so an operator can tell a client
   * that gave up from a digest mismatch or a blob gone missing.
   */
  async fail(id: string, reason: string): Promise<void> {
    const closed = await this.db
      .updateTable('transfers')
      .set({ status: 'failed', completed_at: nowIso() })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returning(['command_id', 'device_id', 'direction'])
      .executeTakeFirst();
    // Already closed (a replica or an earlier request failed it first): that one logged it.
    if (!closed) return;
    this.log.warn({ transfer_id: id, command_id: closed.command_id, device_id: closed.device_id, direction: closed.direction, reason }, 'file transfer failed');
  }

  async get(id: string): Promise<TransferRecord | undefined> {
    return this.db.selectFrom('transfers').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async forCommand(command_id: string): Promise<TransferRecord[]> {
    return this.db.selectFrom('transfers').select(COLUMNS).where('command_id', '=', command_id).orderBy('created_at').orderBy('id').execute();
  }
}
