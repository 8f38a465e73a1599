import { PassThrough, Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { findNul } from './nul-guard.ts';
import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { kindForStatus, ServiceError } from '@riposte/core';
import type { Operation, Static } from '@riposte/spec';

/**
 * Input of a form operation (one with `op.form`, and `op.files` for multipart uploads).
 *
 * Multipart bodies are not parsed before the handler runs (falcon/plugin.ts gives such operations no
 * body schema), because file parts must be streamed, never buffered: readForm walks the parts in
 * order, hands each file part to the caller as a stream, collects the text fields, and validates
 * the fields against `op.form` at the end. Parts arrive in any order (the JS SDK sends `file`
 * first, FalconPy sends its `data` fields first), so callers must store file bytes before they
 * know the other fields. A urlencoded body (FalconPy `data=` without `files=`) is accepted too.
 *
 * Field values are strings on the wire; they are converted to what `op.form` declares: arrays
 * take repeated keys and comma-separated lists (`platform=a&platform=b`, `platform=a,b`),
 * booleans `true|false|1|0`, numbers their decimal text.
 */

export interface FormFilePart {
  field: string;
  stream: Readable;
  filename: string;
  mimetype: string;
}

export interface FormInput<F, T> {
  fields: F;
  /** What `onFile` returned for each file part, in arrival order. */
  files: T[];
}

export interface ReadFormOptions {
  /** Largest text field, bytes (a script's `content`); bigger is a 413. Default 1 MiB. */
  maxFieldBytes?: number;
}

const checks = new WeakMap<TObject, TypeCheck<TObject>>();

/**
 * Read the form, calling `onFile` for every file part (it must consume or fail on the stream).
 * If anything fails, parts already handed out are passed to `onAbandon` (so stored bytes can be
 * dropped), the rest of the body is drained so the client can read the error, and the error is
 * rethrown.
 */
export async function readForm<O extends Operation & { form: TObject }, T>(
  request: FastifyRequest,
  op: O,
  onFile: (part: FormFilePart) => Promise<T>,
  onAbandon: (handled: T[]) => Promise<void> = async () => {},
  opts: ReadFormOptions = {},
): Promise<FormInput<Static<O['form']>, T>> {
  if (!op.form) throw new Error(`operation ${op.operationId} declares no form`);
  const fileFields = new Set(op.files ?? []);
  const raw: Record<string, unknown> = {};
  const files: T[] = [];
  const add = (name: string, value: unknown) => {
    const prev = raw[name];
    raw[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  try {
    if (request.isMultipart()) {
      const maxFieldBytes = opts.maxFieldBytes ?? 1024 * 1024;
      let parts: AsyncIterator<Multipart>;
      try {
        parts = request.parts({ limits: { fieldSize: maxFieldBytes } })[Symbol.asyncIterator]();
      } catch (err) {
        throw malformed(err);
      }
      let failure: unknown;
      for (;;) {
        let next: IteratorResult<Multipart>;
        try {
          next = await parts.next();
        } catch (err) {
          // The parser's own complaint (no boundary, truncated body, limits): the client's fault.
          throw failure ?? malformed(err);
        }
        if (next.done) break;
        const part = next.value;
        if (failure !== undefined) {
          // Drain what is left so the error can be answered on an intact connection.
          if (part.type === 'file') part.file.resume();
          continue;
        }
        try {
          if (part.type === 'file') {
            if (!fileFields.has(part.fieldname)) {
              part.file.resume();
              throw badRequest(`unexpected file field "${part.fieldname}"${fileFields.size ? `; expected ${[...fileFields].join(', ')}` : ''}`);
            }
            files.push(await handFile(part, onFile));
          } else {
            if (part.valueTruncated) throw new ServiceError('too_large', `form field "${part.fieldname}" is larger than ${maxFieldBytes} bytes`);
            const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
            // A file sent as a plain field (`curl -F file=<x`, no file name) is a file all the same.
            if (fileFields.has(part.fieldname)) {
              files.push(await onFile({ field: part.fieldname, stream: Readable.from([Buffer.from(value)]), filename: '', mimetype: part.mimetype ?? '' }));
            } else {
              add(part.fieldname, value);
            }
          }
        } catch (err) {
          failure = err;
        }
      }
      if (failure !== undefined) throw failure;
    } else if (isUrlencoded(request)) {
      for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
        for (const v of [value].flat()) add(name, String(v));
      }
    } else {
      throw new ServiceError('unsupported_media_type', 'unsupported content type: send multipart/form-data');
    }
    const nul = findNul(raw, 'form');
    if (nul) throw badRequest(`${nul} holds a NUL character, which is not allowed`);
    return { fields: validateFields(op.form, raw), files };
  } catch (err) {
    await onAbandon(files);
    throw err;
  }
}

/**
 * Give the consumer a pass-through of the part: if the consumer fails (size limit) and destroys
 * its stream, the part itself is drained instead and parsing carries on; if the part breaks off
 * (truncated body), the consumer sees an error rather than waiting for bytes that never come.
 */
async function handFile<T>(part: MultipartFile, onFile: (part: FormFilePart) => Promise<T>): Promise<T> {
  const pass = new PassThrough();
  let broken: Error | undefined;
  const breakOff = (err?: Error) => {
    if (part.file.readableEnded) return;
    broken = err ?? new Error('file part ended early');
    pass.destroy(broken);
  };
  part.file.once('error', breakOff);
  part.file.once('close', () => breakOff());
  part.file.pipe(pass);
  try {
    return await onFile({ field: part.fieldname, stream: pass, filename: part.filename ?? '', mimetype: part.mimetype ?? '' });
  } catch (err) {
    throw broken ? malformed(broken) : err;
  } finally {
    part.file.unpipe(pass);
    part.file.resume();
  }
}

function malformed(err: unknown): ServiceError {
  const e = err as { statusCode?: number; message?: string };
  const status = typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 400;
  return new ServiceError(kindForStatus(status), `malformed multipart body: ${e?.message ?? String(err)}`);
}

function isUrlencoded(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Convert wire strings to the declared types, then check; the first problem is the 400's message. */
function validateFields<S extends TObject>(schema: S, raw: Record<string, unknown>): Static<S> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const prop = Object.hasOwn(schema.properties, name) ? (schema.properties[name] as TSchema) : undefined;
    if (!prop) {
      if (schema.additionalProperties === false) throw badRequest(`invalid form: unknown field "${name}"`);
      out[name] = value;
      continue;
    }
    out[name] = convert(name, prop, value);
  }
  let check = checks.get(schema);
  if (!check) checks.set(schema, (check = TypeCompiler.Compile(schema)));
  if (!check.Check(out)) {
    const e = check.Errors(out).First();
    const field = e?.path.replace(/^\//, '').replace(/\//g, '.') ?? '';
    const missing = e && e.value === undefined && field ? `missing required field "${field}"` : undefined;
    throw badRequest(`invalid form: ${missing ?? `${field ? `${field}: ` : ''}${e?.message ?? 'invalid value'}`}`);
  }
  return out as Static<S>;
}

function convert(name: string, schema: TSchema, value: unknown): unknown {
  const list = [value].flat().map(String);
  switch (schema.type) {
    case 'array':
      return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    case 'boolean': {
      const v = single(name, list).toLowerCase();
      return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v;
    }
    case 'integer':
    case 'number': {
      const v = single(name, list);
      return /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
    }
    default:
      return single(name, list);
  }
}

function single(name: string, list: string[]): string {
  if (list.length > 1) throw badRequest(`invalid form: field "${name}" given ${list.length} times`);
  return list[0];
}

function badRequest(message: string): ServiceError {
  return new ServiceError('bad_input', message);
}
