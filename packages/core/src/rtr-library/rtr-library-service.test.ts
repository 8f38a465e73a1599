import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../testing/db.ts';
import type { Store } from '../db/index.ts';
import { AuditService } from '../audit/index.ts';
import { createFsBlobStore, type BlobStore } from '../blobs/index.ts';
import { RtrLibraryService, type LibraryViewer } from './index.ts';

/** The contract the RTR command service codes against (put, runscript -CloudFile=, falconscript). */
describe('RtrLibraryService', () => {
  let store: Store;
  let blobs: BlobStore;
  let lib: RtrLibraryService;
  let dir: string;
  const owner = { id: 'a'.repeat(32), name: 'owner client' };
  const other = { id: 'b'.repeat(32), name: 'other client' };
  const upload = (text: string, filename = 'f') => ({ stream: Readable.from([Buffer.from(text)]), filename, mimetype: 'text/plain' });

  beforeAll(async () => {
    store = await openTestStore();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-lib-'));
    blobs = createFsBlobStore(dir);
    lib = new RtrLibraryService({ db: store.db, blobs, audit: new AuditService(store.db) }, { maxPutFileBytes: 1000, maxScriptBytes: 100 });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds put-files by name, case-insensitively, with owner and digest', async () => {
    const created = await lib.putFiles.create({ file: upload('payload', 'Tool.EXE'), description: 'd' }, owner);
    const found = await lib.putFiles.getByName('tool.exe');
    expect(found).toEqual(created);
    expect(found).toMatchObject({ name: 'Tool.EXE', created_by: 'owner client', created_by_uuid: owner.id, size: 7, sha256: crypto.createHash('sha256').update('payload').digest('hex') });
    expect(await lib.putFiles.getByName('missing.exe')).toBeUndefined();
    const { stream } = await lib.putFiles.open(created.id);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('payload');
  });

  it('keeps a blob another entry still uses when a later upload of the same bytes is refused', async () => {
    const a = await lib.putFiles.create({ file: upload('shared bytes'), description: 'd', name: 'shared-1' }, owner);
    await expect(lib.putFiles.create({ file: upload('shared bytes'), description: 'd', name: 'SHARED-1' }, owner)).rejects.toMatchObject({ status: 409 });
    expect(await blobs.stat(a.sha256)).toEqual({ size: 12 });
  });

  it('lets exactly one of two concurrent creates of a name win', async () => {
    const results = await Promise.allSettled([
      lib.putFiles.create({ file: upload('one'), description: 'd', name: 'race.bin' }, owner),
      lib.putFiles.create({ file: upload('two'), description: 'd', name: 'race.bin' }, other),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ status: 409 });
  });

  it('refuses oversized put-files and scripts with 413', async () => {
    await expect(lib.putFiles.create({ file: upload('x'.repeat(1001)), description: 'd', name: 'big' }, owner)).rejects.toMatchObject({ status: 413 });
    await expect(lib.scripts.create({ content: 'x'.repeat(101), description: 'd', name: 'big.sh', permission_type: 'public' }, owner)).rejects.toMatchObject({ status: 413 });
  });

  it('resolves scripts for runscript by visibility: owner, admins for group, everyone for public', async () => {
    await lib.scripts.create({ content: 'id', description: 'd', name: 'private.sh', permission_type: 'private', platform: ['linux'] }, owner);
    await lib.scripts.create({ content: 'id', description: 'd', name: 'group.sh', permission_type: 'group', platform: ['linux', 'mac'] }, owner);
    await lib.scripts.create({ content: 'id', description: 'd', name: 'public.ps1', permission_type: 'public' }, owner);
    const seen = async (name: string, viewer: LibraryViewer) => (await lib.scripts.getByName(name, viewer))?.name;
    expect(await seen('private.sh', owner)).toBe('private.sh');
    expect(await seen('private.sh', other)).toBeUndefined();
    expect(await seen('group.sh', other)).toBe('group.sh');
    expect(await seen('group.sh', { ...other, admin: false })).toBeUndefined();
    expect(await seen('public.ps1', { ...other, admin: false })).toBe('public.ps1');
    const script = await lib.scripts.getByName('GROUP.SH');
    expect(script).toMatchObject({ content: 'id', platform: ['linux', 'mac'], permission_type: 'group', created_by_uuid: owner.id, run_attempt_count: 0 });
    const page = await lib.scripts.list({}, other);
    expect(page.total).toBe(2);
  });

  it('counts runs for run_attempt_count/run_success_count', async () => {
    const s = (await lib.scripts.getByName('public.ps1'))!;
    await lib.scripts.recordRun(s.id, true);
    await lib.scripts.recordRun(s.id, false);
    expect(await lib.scripts.getByName('public.ps1')).toMatchObject({ run_attempt_count: 2, run_success_count: 1 });
  });

  it('serves the built-in scripts by name and lists them with FQL, idempotently across instances', async () => {
    const script = await lib.falconScripts.getByName('triage-linux');
    expect(script).toMatchObject({ platform: ['linux'], revision: 1 });
    expect(script!.content.startsWith('#!/bin/sh')).toBe(true);
    const second = new RtrLibraryService({ db: store.db, blobs, audit: new AuditService(store.db) });
    const [a, b] = await Promise.all([lib.falconScripts.list({ filter: "platform:'linux'" }), second.falconScripts.list({ filter: "platform:'linux'" })]);
    expect(a).toEqual(b);
    expect(a.total).toBe(2);
    expect(await lib.falconScripts.getMany([script!.id, 'nope'])).toEqual([script]);
  });
});
