/**
 * Agent-facing HTTP file transfers, beside the WebSocket control channel (file bytes never travel
 * inside it). Not part of the public operation registry: only agents call these, each request
 * authorised by the one-time token the gateway put in the command (`Authorization: Transfer <t>`).
 *
 *   HEAD /agent/v1/transfers/upload            → 200, `upload-offset`: where to resume
 *   PUT  /agent/v1/transfers/upload            `upload-offset: N`, raw bytes → 200 {received}
 *   POST /agent/v1/transfers/upload/complete   {sha256, size} → 200 {sha256, size}
 *   GET  /agent/v1/transfers/download          the blob; `Range: bytes=N-` resumes (206)
 *
 * Errors are `{error: {code, message}}`. Bodies are streamed to and from disk, never buffered.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStore, TransferDirection, TransferRecord, TransferService, UploadReceiver } from '@riposte/core';
import { UploadCompleteBody, type Static } from '@riposte/spec';
import { sendAgentError } from './envelope.ts';

export const TRANSFER_PREFIX = '/agent/v1/transfers';

export interface TransferRouteDeps {
  transfers: TransferService;
  /** The upload state machine (core's); these routes only map HTTP onto it. */
  uploads: UploadReceiver;
  blobs: BlobStore;
  /** A PUT whose client sends nothing for this long is cut, so the upload can resume. Default 2 min. */
  idleTimeoutMs?: number;
}

/** Fastify's bodyLimit does not apply to a streamed body, but say so explicitly: max_size rules. */
const NO_BODY_LIMIT = Number.MAX_SAFE_INTEGER;
const GONE = 'transfer already completed or failed';

export function registerTransferRoutes(app: FastifyInstance, deps: TransferRouteDeps): void {
  const { transfers, uploads, blobs } = deps;
  const idleTimeoutMs = deps.idleTimeoutMs ?? 120_000;

  /** The transfer the request's token grants, or an error already sent (401 never valid, 410 spent). */
  async function authorize(request: FastifyRequest, reply: FastifyReply, direction: TransferDirection): Promise<TransferRecord | undefined> {
    const m = /^Transfer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!m) {
      reply.header('www-authenticate', 'Transfer');
      sendAgentError(request, reply, 401, 'unauthorized', 'missing "Authorization: Transfer <token>" header');
      return undefined;
    }
    const c = await transfers.check(m[1], direction);
    if (c.ok) return c.transfer;
    if (c.reason === 'expired' || c.reason === 'closed') {
      sendAgentError(request, reply, 410, 'gone', c.reason === 'expired' ? 'transfer token expired' : GONE);
    } else {
      reply.header('www-authenticate', 'Transfer');
      sendAgentError(request, reply, 401, 'unauthorized', 'invalid transfer token');
    }
    return undefined;
  }

  app.register(
    async (scope) => {
      // Hand the raw request stream to the handler: uploads go to disk as they arrive.
      if (scope.hasContentTypeParser('application/octet-stream')) scope.removeContentTypeParser('application/octet-stream');
      scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

      scope.head('/upload', async (request, reply) => {
        const t = await authorize(request, reply, 'upload');
        if (!t) return reply;
        const at = await uploads.resumeAt(t.id);
        if (at.status === 'closed') return sendAgentError(request, reply, 410, 'gone', GONE);
        reply.header('upload-offset', String(at.offset));
        reply.header('cache-control', 'no-store');
        return reply.code(200).send();
      });

      scope.put('/upload', { bodyLimit: NO_BODY_LIMIT }, async (request, reply) => {
        const t = await authorize(request, reply, 'upload');
        if (!t) return reply;
        const offset = intHeader(request, 'upload-offset');
        const length = intHeader(request, 'upload-length');
        const contentLength = intHeader(request, 'content-length');
        if (offset === undefined) return sendAgentError(request, reply, 400, 'bad_request', 'upload-offset header (a non-negative integer) is required');
        if (offset === null || length === null || contentLength === null) {
          return sendAgentError(request, reply, 400, 'bad_request', 'upload-offset, upload-length and content-length must be non-negative integers');
        }
        const body = request.body;
        if (body !== undefined && !(body instanceof Readable)) {
          return sendAgentError(request, reply, 415, 'unsupported_media_type', 'upload body must be application/octet-stream');
        }
        const raw = request.raw;
        const r = await uploads.append(t.id, {
          offset,
          announced: Math.max(length ?? 0, offset + (contentLength ?? 0)),
          body: body ?? Readable.from([]),
          // Cut a silent client (half-dead connection) so the transfer can resume; restore after.
          onReading: () => {
            const serverTimeout = raw.socket?.timeout ?? 0;
            raw.setTimeout(idleTimeoutMs, () => raw.destroy(new Error('upload idle timeout')));
            return () => raw.socket?.setTimeout(serverTimeout);
          },
        });
        switch (r.status) {
          case 'closed':
            return sendAgentError(request, reply, 410, 'gone', GONE);
          case 'offset_mismatch':
            reply.header('upload-offset', String(r.offset));
            return sendAgentError(request, reply, 409, 'offset_mismatch', `upload-offset ${offset} does not match the ${r.offset} bytes received`);
          // The client went away (or was superseded): the answer likely goes nowhere; the offset is recorded.
          case 'interrupted':
            return sendAgentError(request, reply, 400, 'aborted', 'upload interrupted; resume from upload-offset');
          case 'appended':
            reply.header('upload-offset', String(r.received));
            return reply.send({ received: r.received });
        }
      });

      scope.post<{ Body: Static<typeof UploadCompleteBody> }>('/upload/complete', { schema: { body: UploadCompleteBody } }, async (request, reply) => {
        const t = await authorize(request, reply, 'upload');
        if (!t) return reply;
        const r = await uploads.complete(t.id, request.body);
        if (r.status === 'closed') return sendAgentError(request, reply, 410, 'gone', GONE);
        return reply.send({ sha256: r.sha256, size: r.size });
      });

      // No automatic HEAD: it would run this handler and spend the token without sending bytes.
      scope.get('/download', { exposeHeadRoute: false }, async (request, reply) => {
        const t = await authorize(request, reply, 'download');
        if (!t) return reply;
        const stored = await blobs.stat(t.sha256);
        if (!stored) {
          await transfers.fail(t.id, 'blob missing');
          return sendAgentError(request, reply, 410, 'gone', `blob ${t.sha256} is no longer stored`);
        }
        const total = stored.size;
        let start = 0;
        let end = total - 1;
        const range = request.headers.range === undefined || total === 0 ? undefined : parseRange(request.headers.range, total);
        if (range === 'unsatisfiable') {
          reply.header('content-range', `bytes */${total}`);
          return sendAgentError(request, reply, 416, 'range_not_satisfiable', `range ${request.headers.range} is outside the ${total}-byte blob`);
        }
        if (range) {
          ({ start, end } = range);
          reply.code(206).header('content-range', `bytes ${start}-${end}/${total}`);
        }
        reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(end - start + 1))
          .header('accept-ranges', 'bytes')
          .header('etag', `"${t.sha256}"`)
          .header('cache-control', 'no-store');
        // The token is spent once the last byte has been handed to the network, not before:
        // a connection dropped midway can resume with Range.
        if (end === total - 1) {
          reply.raw.once('finish', () => {
            transfers.complete(t.id, { sha256: t.sha256, size: total }).catch((err) => request.log.warn({ err, transfer: t.id }, 'could not mark download complete'));
          });
        }
        return reply.send(total === 0 ? Buffer.alloc(0) : await blobs.open(t.sha256, { start, end }));
      });
    },
    // Relative to the scope it is registered in (the agent dialect's, mounted at /agent).
    { prefix: TRANSFER_PREFIX.slice(app.prefix.length) },
  );
}

/** undefined when absent, null when malformed. */
function intHeader(request: FastifyRequest, name: string): number | undefined | null {
  const v = request.headers[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * One `bytes=` range of a `total`-byte body (inclusive ends). Malformed or multi-range headers
 * are ignored (whole body, 200), as RFC 9110 allows.
 */
function parseRange(header: string, total: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, total - suffix), end: total - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
  if (start >= total) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}
