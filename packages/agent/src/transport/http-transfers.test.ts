import crypto from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Store } from '@riposte/core';
import { openTestStore } from '../../../core/src/testing/db.ts';
import { createFsBlobStore, type BlobStore } from '../../../core/src/blobs/index.ts';
import { TransferService, UploadReceiver } from '../../../core/src/transfers/index.ts';
import { registerTransferRoutes } from '../../../server/src/gateway/transfer-routes.ts';
import { agentErrorHandler } from '../../../server/src/gateway/envelope.ts';
import { HttpFileTransfers } from './http-transfers.ts';

const device_id = 'f'.repeat(32);
const MiB = 1024 * 1024;

let store: Store;
let serverDir: string;
let hostDir: string;
let blobs: BlobStore;
let transfers: TransferService;
let uploads: UploadReceiver;
let app: FastifyInstance;
let port: number;
const tokens = new Map<string, string>();
let nextCommand = 0;

beforeAll(async () => {
  store = await openTestStore();
  serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-agent-xfer-server-'));
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-agent-xfer-host-'));
  blobs = createFsBlobStore(serverDir);
  transfers = new TransferService(store.db, blobs);
  uploads = new UploadReceiver(transfers, blobs);
  app = Fastify({ logger: false });
  // The server's errors in the agent dialect's envelope, as its plugin answers them.
  app.setErrorHandler(agentErrorHandler);
  registerTransferRoutes(app, { transfers, uploads, blobs });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app.close();
  await uploads.close();
  await store.close();
  fs.rmSync(serverDir, { recursive: true, force: true });
  fs.rmSync(hostDir, { recursive: true, force: true });
});

/** Part files left beside `dest`. */
function partFiles(dest: string): string[] {
  return fs.readdirSync(path.dirname(dest)).filter((n) => n.startsWith(`${path.basename(dest)}.`) && n.endsWith('.part'));
}

/** A command id whose token the client will find, as the agent's control channel would provide. */
async function command(direction: 'upload' | 'download', sha256?: string): Promise<{ commandId: string; transferId: string }> {
  const commandId = `cmd-${++nextCommand}`;
  const { id, token } = await transfers.mint({ command_id: commandId, device_id, direction, sha256 });
  tokens.set(commandId, token);
  return { commandId, transferId: id };
}

function client(serverPort = port, extra: { retries?: number } = {}): HttpFileTransfers {
  return new HttpFileTransfers({ serverUrl: `http://127.0.0.1:${serverPort}`, tokenFor: (id) => tokens.get(id), backoffMs: 10, ...extra });
}

/** A file of `size` random-ish bytes on the "host", written in 1 MiB pieces; returns its digest. */
function hostFile(name: string, size: number): { file: string; sha256: string } {
  const file = path.join(hostDir, name);
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  const chunk = crypto.randomBytes(Math.min(size, MiB));
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    chunk[0]++; // vary the pieces a little
    fs.writeSync(fd, piece);
    hash.update(piece);
  }
  fs.closeSync(fd);
  return { file, sha256: hash.digest('hex') };
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const c of fs.createReadStream(file)) hash.update(c);
  return hash.digest('hex');
}

/** Peak RSS growth while `run` executes, sampled every 5 ms. */
async function rssGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growthMiB: number; ms: number }> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const t0 = performance.now();
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthMiB: (peak - baseline) / MiB, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A TCP proxy to the server that cuts the first connection once `cutAfter` bytes went through
 * in `direction` (client→server 'up' or back 'down'); counts bytes sent up in total.
 */
async function cuttingProxy(direction: 'up' | 'down', cutAfter: number) {
  let cut = false;
  let upBytes = 0;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((downstream) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    let moved = 0;
    const relay = (from: net.Socket, to: net.Socket, dir: 'up' | 'down') =>
      from.on('data', (d: Buffer) => {
        if (dir === 'up') upBytes += d.length;
        if (dir === direction && !cut && (moved += d.length) > cutAfter) {
          cut = true;
          downstream.destroy();
          upstream.destroy();
          return;
        }
        if (!to.write(d)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
    relay(downstream, upstream, 'up');
    relay(upstream, downstream, 'down');
    for (const s of [downstream, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        downstream.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    port: (proxy.address() as AddressInfo).port,
    wasCut: () => cut,
    upBytes: () => upBytes,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}

describe('HttpFileTransfers against the real routes', () => {
  it('uploads a file and downloads it back, atomically', async () => {
    const { file, sha256 } = hostFile('small.bin', 300_000);
    const up = await command('upload');
    expect(await client().upload(file, up.commandId)).toEqual({ sha256, size: 300_000 });
    expect(await blobs.stat(sha256)).toEqual({ size: 300_000 });
    expect(await transfers.get(up.transferId)).toMatchObject({ status: 'complete', sha256 });

    const dest = path.join(hostDir, 'small.copy');
    const down = await command('download', sha256);
    expect(await client().download(sha256, dest, down.commandId)).toEqual({ size: 300_000 });
    expect(await sha256Of(dest)).toBe(sha256);
    expect(partFiles(dest)).toEqual([]);
    await expect.poll(async () => (await transfers.get(down.transferId))?.status).toBe('complete');
  });

  it('moves empty files', async () => {
    const { file, sha256 } = hostFile('empty.bin', 0);
    const up = await command('upload');
    expect(await client().upload(file, up.commandId)).toEqual({ sha256, size: 0 });
    const dest = path.join(hostDir, 'empty.copy');
    expect(await client().download(sha256, dest, (await command('download', sha256)).commandId)).toEqual({ size: 0 });
    expect(fs.statSync(dest).size).toBe(0);
  });

  it('streams 160 MiB both ways without holding the file in memory', async () => {
    // Warm up first: the first streams of a process grow its heap to a steady working set (V8
    // collects garbage buffers only every few tens of MB); what must not happen is growth with size.
    const warm = hostFile('warm.bin', 16 * MiB);
    const cold = await rssGrowth(async () => {
      await client().upload(warm.file, (await command('upload')).commandId);
      await client().download(warm.sha256, `${warm.file}.copy`, (await command('download', warm.sha256)).commandId);
    });
    // Large next to the bounds below, so that garbage-collection timing cannot pass for buffering.
    const size = 160 * MiB;
    const { file, sha256 } = hostFile('big.bin', size);
    const up = await command('upload');
    const sent = await rssGrowth(() => client().upload(file, up.commandId));
    expect(sent.result).toEqual({ sha256, size });
    expect(await sha256Of(blobs.path(sha256))).toBe(sha256);

    const dest = path.join(hostDir, 'big.copy');
    const down = await command('download', sha256);
    const received = await rssGrowth(() => client().download(sha256, dest, down.commandId));
    expect(received.result).toEqual({ size });
    expect(await sha256Of(dest)).toBe(sha256);

    const rate = (ms: number) => Math.round(size / MiB / (ms / 1000));
    console.log(
      `16 MiB warm-up round trip: RSS +${cold.growthMiB.toFixed(1)} MiB; ` +
      `${size / MiB} MiB upload: ${Math.round(sent.ms)} ms (${rate(sent.ms)} MiB/s), RSS +${sent.growthMiB.toFixed(1)} MiB; ` +
        `download: ${Math.round(received.ms)} ms (${rate(received.ms)} MiB/s), RSS +${received.growthMiB.toFixed(1)} MiB`,
    );
    // Buffering the file would add at least its 160 MiB; what remains is garbage awaiting GC, which
    // V8 lets grow by tens of MB (downloads, with both ends in this process, spike highest).
    expect(sent.growthMiB).toBeLessThan(40);
    expect(received.growthMiB).toBeLessThan(48);
    fs.rmSync(file);
    fs.rmSync(dest);
    fs.rmSync(warm.file);
    fs.rmSync(`${warm.file}.copy`);
  });

  it('resumes an upload from the server’s offset after the connection drops', async () => {
    const size = 16 * MiB;
    const { file, sha256 } = hostFile('flaky-up.bin', size);
    const proxy = await cuttingProxy('up', 12 * MiB);
    try {
      const up = await command('upload');
      expect(await client(proxy.port).upload(file, up.commandId)).toEqual({ sha256, size });
      expect(proxy.wasCut()).toBe(true);
      // Resumed, not restarted: far less than 12 + 16 MiB crossed the proxy.
      expect(proxy.upBytes()).toBeLessThan(size * 1.5);
      expect(await sha256Of(blobs.path(sha256))).toBe(sha256);
    } finally {
      await proxy.close();
    }
  });

  it('resumes a download with Range after the connection drops', async () => {
    const size = 16 * MiB;
    const data = crypto.randomBytes(size);
    const { sha256 } = await blobs.put(Readable.from([data]));
    const proxy = await cuttingProxy('down', 6 * MiB);
    try {
      const dest = path.join(hostDir, 'flaky-down.bin');
      const down = await command('download', sha256);
      expect(await client(proxy.port).download(sha256, dest, down.commandId)).toEqual({ size });
      expect(proxy.wasCut()).toBe(true);
      expect(fs.readFileSync(dest).equals(data)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('fails clearly: no token, spent token, unreachable server, corrupted blob, missing local file', async () => {
    const { file } = hostFile('refused.bin', 1000);
    await expect(client().upload(file, 'cmd-without-token')).rejects.toThrow(/no transfer token/);

    const spent = await command('upload');
    await transfers.fail(spent.transferId, 'test');
    const t0 = Date.now();
    await expect(client(port, { retries: 3 }).upload(file, spent.commandId)).rejects.toThrow(/410/);
    expect(Date.now() - t0).toBeLessThan(1000); // refused for good: no retries

    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await command('upload');
    await expect(client(deadPort, { retries: 2 }).upload(file, unreachable.commandId)).rejects.toThrow(/failed after 3 attempts/);

    // The server's copy no longer matches its name: the agent must not install it.
    const { sha256 } = await blobs.put(Readable.from([Buffer.from('genuine content')]));
    const down = await command('download', sha256);
    fs.writeFileSync(blobs.path(sha256), 'tampered content');
    const dest = path.join(hostDir, 'tampered.bin');
    await expect(client().download(sha256, dest, down.commandId)).rejects.toThrow(/hash/);
    expect(fs.existsSync(dest)).toBe(false);
    expect(partFiles(dest)).toEqual([]);

    await expect(client().download('../../etc/passwd', dest, down.commandId)).rejects.toThrow(/invalid sha256/);
    const missing = await command('upload');
    await expect(client().upload(path.join(hostDir, 'no-such-file'), missing.commandId)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never writes through a symlink planted where a part file could go (world-writable directory)', async () => {
    const { file, sha256 } = hostFile('planted.bin', 5000);
    await client().upload(file, (await command('upload')).commandId);
    const shared = fs.mkdtempSync(path.join(hostDir, 'shared-'));
    fs.chmodSync(shared, 0o1777);
    const victim = path.join(hostDir, 'victim.txt');
    fs.writeFileSync(victim, 'do not touch');
    const dest = path.join(shared, 'tool.bin');
    // Links planted at the names a careless writer would stage the bytes in (`.part`, `.tmp`); one dangles.
    fs.symlinkSync(victim, `${dest}.part`);
    fs.symlinkSync(path.join(hostDir, 'created-through-link'), `${dest}.tmp`);

    expect(await client().download(sha256, dest, (await command('download', sha256)).commandId)).toEqual({ size: 5000 });
    expect(await sha256Of(dest)).toBe(sha256);
    expect(fs.lstatSync(dest).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(fs.existsSync(path.join(hostDir, 'created-through-link'))).toBe(false);
    expect(fs.readlinkSync(`${dest}.part`)).toBe(victim); // left alone, not followed
    expect(partFiles(dest)).toEqual([`${path.basename(dest)}.part`]);
  });

  it('refuses to open a part file that is a symlink', async () => {
    const { sha256 } = await blobs.put(Readable.from([Buffer.from('x'.repeat(100))]));
    const victim = path.join(hostDir, 'victim2.txt');
    fs.writeFileSync(victim, 'do not touch');
    const dest = path.join(hostDir, 'raced.bin');
    // Every name the agent could pick is a link: creation must fail (O_EXCL|O_NOFOLLOW), not follow it.
    const planted = vi.spyOn(crypto, 'randomBytes').mockImplementation(((n: number) => Buffer.alloc(n)) as typeof crypto.randomBytes);
    try {
      fs.symlinkSync(victim, `${dest}.${'00'.repeat(8)}.part`);
      await expect(client().download(sha256, dest, (await command('download', sha256)).commandId)).rejects.toMatchObject({ code: 'EEXIST' });
    } finally {
      planted.mockRestore();
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(fs.existsSync(dest)).toBe(false);
  });
});
