import type { FastifyRequest } from 'fastify';
import type { TObject } from '@sinclair/typebox';
import { ServiceError, type StagedUpload, type UploadStream } from '@riposte/core';
import type { Operation } from '@riposte/spec';
import { readForm, type ReadFormOptions } from '../../form-input.ts';

/** Page metadata for `queries/...` answers. */
export function idPage(page: { ids: string[]; offset: number; limit: number; total: number }) {
  return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
}

/** Ids the service did not touch, as per-id 404 errors; 404 overall when none was. */
export function deleteResult(asked: readonly string[], done: readonly string[], what: string) {
  const missing = [...new Set(asked)].filter((id) => !done.includes(id));
  return {
    writes: { resources_affected: done.length },
    errors: missing.map((id) => ({ code: 404, message: `${what} not found: ${id}`, id })),
    ...(done.length === 0 ? { status: 404 } : {}),
  };
}

/**
 * A library form (put-file or script): its file part is staged in the library's blob store as it
 * arrives; more file parts than one, or none where one is required, is a 400 and all are dropped.
 */
export async function readLibraryForm<O extends Operation & { form: TObject }>(
  request: FastifyRequest,
  op: O,
  lib: { stage(upload: UploadStream): Promise<StagedUpload>; discard(staged: StagedUpload): Promise<void> },
  opts: ReadFormOptions & { fileRequired: boolean },
) {
  const discardAll = async (staged: StagedUpload[]) => {
    for (const s of staged) await lib.discard(s);
  };
  const { fields, files } = await readForm(request, op, (part) => lib.stage(part), discardAll, opts);
  if (files.length > 1 || (opts.fileRequired && files.length === 0)) {
    await discardAll(files);
    const many = `send ${opts.fileRequired ? 'exactly' : 'at most'} one file part "file"`;
    throw new ServiceError('bad_input', files.length ? many : 'invalid form: missing required file "file"');
  }
  return { fields, file: files[0] as StagedUpload | undefined };
}
