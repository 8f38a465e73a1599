import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../db/index.ts';
import { openTestStore } from '../testing/db.ts';
import { BlobIndex, createFsBlobStore, type BlobStore } from '../blobs/index.ts';
import { TransferService } from './index.ts';

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const device_id = 'd'.repeat(32);

describe('TransferService', () => {
  let store: Store;
  let dir: string;
  let blobs: BlobStore;
  let transfers: TransferService;
  const logged: Record<string, unknown>[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-transfers-'));
    blobs = createFsBlobStore(dir);
    transfers = new TransferService(store.db, blobs, { maxUploadBytes: 1000, log: { warn: (obj, msg) => logged.push({ ...obj, msg }), error: () => {} } });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('mints an upload token that authorises only uploads, storing only its digest', async () => {
    const { id, token } = await transfers.mint({ command_id: 'c-up', device_id, direction: 'upload' });
    expect(token.length).toBeGreaterThanOrEqual(40);
    const t = await transfers.authorize(token, 'upload');
    expect(t).toMatchObject({ id, command_id: 'c-up', device_id, direction: 'upload', sha256: '', received: 0, max_size: 1000, status: 'open' });
    expect(t).not.toHaveProperty('token_hash');
    expect(await transfers.authorize(token, 'download')).toBeUndefined();
    expect(await transfers.check(token, 'download')).toEqual({ ok: false, reason: 'wrong_direction' });
    expect(await transfers.authorize(`${token}x`, 'upload')).toBeUndefined();
    expect(await transfers.authorize('', 'upload')).toBeUndefined();
    const row = await store.db.selectFrom('transfers').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
  });

  it('caps max_size at the service limit', async () => {
    const { token } = await transfers.mint({ command_id: 'c-cap', device_id, direction: 'upload', max_size: 10_000 });
    expect((await transfers.authorize(token, 'upload'))?.max_size).toBe(1000);
    const small = await transfers.mint({ command_id: 'c-cap', device_id, direction: 'upload', max_size: 10 });
    expect((await transfers.authorize(small.token, 'upload'))?.max_size).toBe(10);
    await expect(transfers.mint({ command_id: 'c', device_id, direction: 'upload', max_size: -1 })).rejects.toMatchObject({ status: 400 });
    await expect(transfers.mint({ command_id: 'c', device_id, direction: 'sideways' as never })).rejects.toMatchObject({ status: 400 });
  });

  it('a token resumes until the transfer completes, then never works again', async () => {
    const { id, token } = await transfers.mint({ command_id: 'c-once', device_id, direction: 'upload' });
    await transfers.recordProgress(id, 40);
    expect((await transfers.authorize(token, 'upload'))?.received).toBe(40);
    const done = await transfers.complete(id, { sha256: sha('x'), size: 50 });
    expect(done).toMatchObject({ status: 'complete', sha256: sha('x'), size: 50, received: 50 });
    expect(done.completed_at).toBeTruthy();
    expect(await transfers.authorize(token, 'upload')).toBeUndefined();
    expect(await transfers.check(token, 'upload')).toEqual({ ok: false, reason: 'closed' });
    await expect(transfers.complete(id, { sha256: sha('x'), size: 50 })).rejects.toMatchObject({ status: 409 });
    // Completing an upload records its blob.
    expect(await new BlobIndex(store.db).get(sha('x'))).toMatchObject({ size: 50 });
    // Progress after completion changes nothing.
    await transfers.recordProgress(id, 1);
    expect((await transfers.get(id))?.received).toBe(50);
  });

  it('a failed transfer spends its token', async () => {
    const { id, token } = await transfers.mint({ command_id: 'c-fail', device_id, direction: 'upload' });
    await transfers.fail(id, 'digest mismatch');
    expect((await transfers.get(id))?.status).toBe('failed');
    expect(await transfers.check(token, 'upload')).toEqual({ ok: false, reason: 'closed' });
  });

  it("logs a failure's reason with its command and host, once", async () => {
    const { id } = await transfers.mint({ command_id: 'c-fail-why', device_id, direction: 'upload' });
    logged.length = 0;
    await transfers.fail(id, 'blob missing');
    await transfers.fail(id, 'a second failure of a closed transfer');
    expect(logged).toEqual([{ msg: 'file transfer failed', transfer_id: id, command_id: 'c-fail-why', device_id, direction: 'upload', reason: 'blob missing' }]);
  });

  it('expired tokens are refused', async () => {
    const shortLived = new TransferService(store.db, blobs, { lifetimeMs: 0 });
    const { token } = await shortLived.mint({ command_id: 'c-exp', device_id, direction: 'upload' });
    expect(await shortLived.check(token, 'upload')).toEqual({ ok: false, reason: 'expired' });
  });

  it('an expected digest or size fixed at mint time must match on completion', async () => {
    const { id } = await transfers.mint({ command_id: 'c-exp-sha', device_id, direction: 'upload', sha256: sha('a'), size: 1 });
    await expect(transfers.complete(id, { sha256: sha('b'), size: 1 })).rejects.toMatchObject({ status: 422 });
    await expect(transfers.complete(id, { sha256: sha('a'), size: 2 })).rejects.toMatchObject({ status: 422 });
    expect((await transfers.get(id))?.status).toBe('open');
    await transfers.complete(id, { sha256: sha('a'), size: 1 });
  });

  it('download tokens name an existing blob and carry its size', async () => {
    const { sha256, size } = await blobs.put(Readable.from([Buffer.from('put-file bytes')]));
    const { id, token } = await transfers.mint({ command_id: 'c-down', device_id, direction: 'download', sha256 });
    expect(await transfers.authorize(token, 'download')).toMatchObject({ id, sha256, size, max_size: size });
    expect(await transfers.authorize(token, 'upload')).toBeUndefined();
    await expect(transfers.mint({ command_id: 'c', device_id, direction: 'download', sha256: sha('absent') })).rejects.toMatchObject({ status: 404 });
    await expect(transfers.mint({ command_id: 'c', device_id, direction: 'download' })).rejects.toMatchObject({ status: 400 });
    await expect(transfers.mint({ command_id: 'c', device_id, direction: 'download', sha256: '../../etc/passwd' })).rejects.toMatchObject({ status: 400 });
    await expect(transfers.mint({ command_id: 'c', device_id, direction: 'download', sha256, size: size + 1 })).rejects.toMatchObject({ status: 400 });
  });

  it('lists a command’s transfers', async () => {
    const a = await transfers.mint({ command_id: 'c-list', device_id, direction: 'upload' });
    const b = await transfers.mint({ command_id: 'c-list', device_id, direction: 'upload' });
    const ids = (await transfers.forCommand('c-list')).map((t) => t.id);
    expect(ids.sort()).toEqual([a.id, b.id].sort());
    expect(await transfers.forCommand('c-none')).toEqual([]);
  });
});
