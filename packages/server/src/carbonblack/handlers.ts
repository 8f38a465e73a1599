import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, type CbApiKey, type CbCommandInput, type Core } from '@riposte/core';
import type { BodyOf, OperationOf, ParamsOf, QueryOf } from '@riposte/spec';
import { readForm } from '../form-input.ts';
import { renderCommand, renderDevice, renderFile, renderSession } from './render.ts';

/** A Carbon Black operation of the registry, with its literal id and schema types. */
export type CbOperation = OperationOf<'carbonblack'>;

/** One call of a Carbon Black operation: input validated by (and typed from) its registry schemas, and the API key calling. */
export interface CbCall<O extends CbOperation = CbOperation> {
  op: O;
  params: ParamsOf<O>;
  query: QueryOf<O>;
  body: BodyOf<O>;
  key: CbApiKey;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** What a handler answers: a JSON body (and status), or undefined when it sent the reply itself. */
export type CbResult = { status?: number; body?: unknown } | undefined;
export type CbHandler<O extends CbOperation = CbOperation> = (call: CbCall<O>) => Promise<CbResult>;
/** One handler per Carbon Black operation of the registry: a missing or misspelt one is a type error. */
export type CbHandlers = { [O in CbOperation as O['operationId']]: CbHandler<O> };

/** Every Carbon Black handler, keyed by operationId: HTTP to the core service and back, nothing more. */
export function carbonBlackHandlers(core: Core): CbHandlers {
  const cb = core.carbonblack;
  const session = (c: { params: { session_id: string } }, touch = false) => cb.sessions.get(c.params.session_id, { touch });
  const live = (c: { params: { session_id: string } }) => cb.sessions.ref(c.params.session_id);

  return {
    async CbSearchDevices({ body }) {
      const { devices, num_found } = await cb.devices.search(body ?? {});
      return { body: { results: devices.map(renderDevice), num_found } };
    },
    async CbGetDevice({ params }) {
      return { body: renderDevice(await cb.devices.get(params.device_id)) };
    },

    async CbStartSession({ body, key }) {
      return { body: renderSession(await cb.sessions.start(body.device_id, key)) };
    },
    async CbListSessions() {
      const sessions = await cb.sessions.list();
      return sessions.length ? { body: sessions.map(renderSession) } : { status: 204 };
    },
    async CbGetSession(c) {
      return { body: renderSession(await session(c, true)) };
    },
    async CbKeepaliveSession(c) {
      return { body: renderSession(await session(c, true)) };
    },
    async CbCloseSession({ params, key }) {
      await cb.sessions.close(params.session_id, key);
      return { status: 204 };
    },
    async CbDisableLiveResponse({ body, key }) {
      const { device, session: last } = await cb.sessions.disableDevices(body, key);
      return { body: last ? renderSession(last) : { device_id: device, status: 'CLOSE' } };
    },

    async CbListFiles(c) {
      const s = await live(c);
      return { body: (await cb.files.list(s.id)).map(renderFile) };
    },
    async CbUploadFile(c) {
      const s = await session(c, true);
      // Bytes go to the blob store as they arrive; a `name` field, which may come after the file, renames it.
      let parts = 0;
      const { fields, files } = await readForm(
        c.request,
        c.op,
        async (part) => {
          if (parts++ > 0) {
            part.stream.resume();
            throw new ServiceError('bad_input', 'send exactly one file part "file"');
          }
          return cb.files.store(s.id, part.stream, part.filename || 'upload', c.key);
        },
        async (handled) => {
          for (const f of handled) await cb.files.delete(s.id, f.id, c.key).catch(() => {});
        },
      );
      if (files.length !== 1) throw new ServiceError('bad_input', 'invalid form: missing the file part "file"');
      let file = files[0];
      if (fields.name && fields.name !== file.file_name) file = await cb.files.rename(s.id, file.id, fields.name);
      return { status: 201, body: renderFile(file) };
    },
    async CbGetFileMetadata(c) {
      const s = await live(c);
      return { body: renderFile(await cb.files.get(s.id, c.params.file_id)) };
    },
    async CbGetFileContent(c) {
      const s = await live(c);
      const { file, stream } = await cb.files.open(s.id, c.params.file_id);
      c.reply
        .code(200)
        .type('application/octet-stream')
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${file.file_name.replace(/["\\\r\n]/g, '_')}"`);
      await c.reply.send(stream);
      return undefined;
    },
    async CbDeleteFile(c) {
      const s = await live(c);
      await cb.files.delete(s.id, c.params.file_id, c.key);
      return { status: 204 };
    },

    async CbListCommands(c) {
      const s = await live(c);
      return { body: (await cb.commands.list(s)).map(renderCommand) };
    },
    async CbIssueCommand(c) {
      const s = await live(c);
      const { object, session_id: _sid, ...rest } = c.body;
      const input: CbCommandInput = { ...rest };
      // Older clients name the target `object`: a path, or kill's pid.
      if (object !== undefined && input.path === undefined && input.pid === undefined) {
        if (input.name === 'kill') {
          if (!/^\d{1,10}$/.test(String(object))) throw new ServiceError('bad_input', 'kill needs a numeric pid');
          input.pid = Number(object);
        } else input.path = String(object);
      }
      return { status: 201, body: renderCommand(await cb.commands.issue(s, input, c.key)) };
    },
    async CbGetCommand(c) {
      const s = await live(c);
      return { body: renderCommand(await cb.commands.get(s, c.params.command_id, c.query.wait ?? 0)) };
    },
    async CbCancelCommand(c) {
      const s = await live(c);
      return { body: renderCommand(await cb.commands.cancel(s, c.params.command_id, c.key)) };
    },
  };
}
