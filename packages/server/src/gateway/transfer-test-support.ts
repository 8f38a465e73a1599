import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '@riposte/core';
import { openTestStore } from '../../../core/src/testing/db.ts';
import { createFsBlobStore, type BlobStore } from '../../../core/src/blobs/index.ts';
import { TransferService, UploadReceiver } from '../../../core/src/transfers/index.ts';
import { registerTransferRoutes } from './transfer-routes.ts';
import { agentErrorHandler, agentNotFound } from './envelope.ts';

export const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
export const device_id = 'e'.repeat(32);
export const octets = { 'content-type': 'application/octet-stream' };
export const auth = (token: string) => ({ authorization: `Transfer ${token}` });
/** fetch's types want an ArrayBuffer-backed view; Buffers may sit on a shared pool. */
export const bytes = (b: Buffer) => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);

/** The transfer routes on loopback over a real database and blob store, with fetch helpers. */
export interface TransferServer {
  store: Store;
  blobs: BlobStore;
  transfers: TransferService;
  uploads: UploadReceiver;
  /** `http://127.0.0.1:port/agent/v1/transfers` */
  base: string;
  /** Another app over the same parts (same receiver), with its own idle timeout; closed with the rest. */
  listen(idleTimeoutMs?: number): Promise<string>;
  upload(command_id?: string, max_size?: number): Promise<{ id: string; token: string }>;
  head(token: string): Promise<Response>;
  put(token: string, offset: number, body: Buffer, extra?: Record<string, string>): Promise<Response>;
  complete(token: string, body: unknown): Promise<Response>;
  partPath(id: string): string;
  close(): Promise<void>;
}

export async function startTransferServer(): Promise<TransferServer> {
  const store = await openTestStore();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-transfer-routes-'));
  const blobs = createFsBlobStore(dir);
  const transfers = new TransferService(store.db, blobs, { maxUploadBytes: 64 * 1024 * 1024 });
  const uploads = new UploadReceiver(transfers, blobs);
  const apps: FastifyInstance[] = [];
  const listen = async (idleTimeoutMs?: number) => {
    // A bare app answering errors as the agent dialect's plugin does, around the transfer routes.
    const app = Fastify({ logger: false });
    app.setErrorHandler(agentErrorHandler);
    app.setNotFoundHandler(agentNotFound);
    registerTransferRoutes(app, { transfers, uploads, blobs, idleTimeoutMs });
    apps.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/agent/v1/transfers`;
  };
  const base = await listen();
  return {
    store,
    blobs,
    transfers,
    uploads,
    base,
    listen,
    upload: (command_id = 'cmd', max_size) => transfers.mint({ command_id, device_id, direction: 'upload', max_size }),
    head: (token) => fetch(`${base}/upload`, { method: 'HEAD', headers: auth(token) }),
    put: (token, offset, body, extra = {}) =>
      fetch(`${base}/upload`, { method: 'PUT', headers: { ...auth(token), ...octets, 'upload-offset': String(offset), ...extra }, body: bytes(body) }),
    complete: (token, body) =>
      fetch(`${base}/upload/complete`, { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    partPath: (id) => path.join(blobs.tempDir, `${id}.part`),
    async close() {
      for (const app of apps) await app.close();
      await uploads.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
