import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../testing/db.ts';
import { createCore, type Core } from '../index.ts';
import { BlobCollector } from './blob-collector.ts';
import { BlobIndex } from './blob-index.ts';

const DAY = 24 * 3600_000;

describe('BlobCollector', () => {
  let core: Core;
  let dir: string;
  let deviceId: string;
  const owner = { id: 'a'.repeat(32), name: 'owner' };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-gc-'));
    core = await createCore(await openTestStore(), { blobDir: dir });
    deviceId = (await core.hosts.register({ hostname: 'gc-host', platform_name: 'Linux' })).device_id;
  });
  afterAll(async () => {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A blob in the store and its index, as an upload leaves it. */
  const blob = async (text: string) => {
    const stored = await core.blobs.put(Readable.from([Buffer.from(text)]));
    await new BlobIndex(core.store.db).record(stored);
    return stored.sha256;
  };
  /** A command as a dialect stores it (response policies, which refuse get and put by default, are not this test's subject). */
  const command = async (name: string, args: Record<string, unknown>) => {
    const c = await core.commands.issue({ device_id: deviceId, name: 'pwd', issued_by: 'test', queue_offline: true });
    await core.store.db.updateTable('commands').set({ name, args: JSON.stringify(args) }).where('id', '=', c.id).execute();
    return c;
  };
  const retrieved = async (sha256: string, opts: { deleted?: boolean; pendingResultOf?: string } = {}) => {
    const now = new Date().toISOString();
    const get = await command('get', { path: '/x' });
    if (opts.pendingResultOf) {
      await core.store.db.updateTable('commands').set({ status: 'complete', result: JSON.stringify({ sha256: opts.pendingResultOf, size: 1 }) }).where('id', '=', get.id).execute();
    }
    await core.store.db
      .insertInto('rtr_files')
      .values({
        session_id: 's', device_id: deviceId, client_id: owner.id, cloud_request_id: get.id, command_id: get.id, fanout_id: '',
        path: '/x', name: 'x', sha256: opts.pendingResultOf ? '' : sha256, size: 1, status: opts.pendingResultOf ? 'pending' : 'complete',
        error_message: '', created_at: now, updated_at: now, deleted_at: opts.deleted ? now : null,
      })
      .execute();
  };
  const exists = (sha256: string) => fs.existsSync(core.blobs.path(sha256));

  it('removes the bytes of deleted retrieved files and keeps every blob something still refers to', async () => {
    const orphan = await blob('nobody refers to me');
    const deletedFile = await blob('a retrieved file, deleted');
    const liveFile = await blob('a retrieved file, kept');
    const pendingFile = await blob('retrieved, its row not yet settled');
    const putFile = await blob('put-file bytes');
    await core.rtrLibrary.putFiles.create({ file: { stream: Readable.from([Buffer.from('put-file bytes')]), filename: 'tool.exe', mimetype: 'application/octet-stream' }, description: 'd' }, owner);
    const queuedPut = await blob('a put still waiting for its host');
    await command('put', { sha256: queuedPut, name: 'p', size: 1 });
    await retrieved(deletedFile, { deleted: true });
    await retrieved(liveFile);
    await retrieved('', { pendingResultOf: pendingFile });

    // Everything was just written: within the grace period nothing goes.
    expect((await core.blobCollector.collect()).removed).toEqual([]);

    const later = new BlobCollector(core.store.db, core.blobs, () => Date.now() + DAY);
    const { removed } = await later.collect();
    expect(removed.sort()).toEqual([orphan, deletedFile].sort());
    for (const sha of [orphan, deletedFile]) {
      expect(exists(sha)).toBe(false);
      expect(await new BlobIndex(core.store.db).get(sha)).toBeUndefined();
    }
    for (const sha of [liveFile, pendingFile, putFile, queuedPut]) expect(exists(sha)).toBe(true);
  });

  it('removes upload leftovers only once no transfer can still be writing them', async () => {
    const stale = path.join(core.blobs.tempDir, 'stale.part');
    const fresh = path.join(core.blobs.tempDir, 'fresh.part');
    fs.writeFileSync(stale, 'half an upload');
    fs.writeFileSync(fresh, 'an upload in progress');
    const old = new Date(Date.now() - 2 * DAY);
    fs.utimesSync(stale, old, old);
    expect((await core.blobCollector.collect()).leftovers).toBe(1);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });
});
