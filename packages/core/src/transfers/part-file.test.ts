import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPart } from './part-file.ts';

const MiB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-part-file-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `data` as a stream of 1 MiB chunks, as a socket delivers it. */
const chunks = (data: Buffer) => Readable.from((function* () {
  for (let i = 0; i < data.length; i += MiB) yield data.subarray(i, i + MiB);
})());

describe('appendPart', () => {
  it('hashes while writing when it continues a known digest, and only then', async () => {
    const data = crypto.randomBytes(3 * MiB);
    const file = path.join(dir, 'hashed.part');
    const first = await appendPart(file, 0, data.length, chunks(data.subarray(0, MiB)));
    expect(first).toMatchObject({ received: MiB, failure: undefined, hash: { upTo: MiB } });
    const second = await appendPart(file, MiB, data.length, chunks(data.subarray(MiB)), first.hash);
    expect(second.hash?.hash.digest('hex')).toBe(crypto.createHash('sha256').update(data).digest('hex'));
    // Resuming without the earlier bytes' digest: nothing to continue.
    const resumed = await appendPart(file, MiB, data.length, chunks(data.subarray(MiB)));
    expect(resumed).toMatchObject({ received: data.length, hash: undefined });
    expect(fs.readFileSync(file).equals(data)).toBe(true);
  });

  it('names the cause when it stops early, counting what reached the file', async () => {
    const file = path.join(dir, 'stopped.part');
    const big = await appendPart(file, 0, 1500, chunks(Buffer.alloc(2000)));
    expect(big.failure).toMatchObject({ kind: 'too_large', error: { kind: 'too_large' } });
    expect(big.hash).toBeUndefined();

    const body = new Readable({ read() {} });
    const appending = appendPart(file, 0, MiB, body);
    body.push(Buffer.alloc(700));
    setTimeout(() => body.destroy(new Error('connection reset')), 50);
    const cut = await appending;
    expect(cut.failure).toMatchObject({ kind: 'client' });
    expect(cut.received).toBe(700);
    expect(fs.statSync(file).size).toBe(700);
  });

  it('starts at most one disk sync at a time, however fast the bytes arrive', async () => {
    // A disk far slower than the bytes: each sync takes 150 ms while 32 MiB arrive in a few.
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const original = proto.datasync;
    let inFlight = 0;
    let most = 0;
    let syncs = 0;
    proto.datasync = async function (this: unknown) {
      syncs++;
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 150));
        return await original.call(this);
      } finally {
        inFlight--;
      }
    };
    try {
      const data = crypto.randomBytes(128 * MiB);
      const r = await appendPart(path.join(dir, 'slow-disk.part'), 0, data.length, chunks(data));
      expect(r).toMatchObject({ received: data.length, failure: undefined });
      expect(syncs).toBeGreaterThan(0);
      expect(most).toBe(1);
    } finally {
      proto.datasync = original;
    }
  });
});
