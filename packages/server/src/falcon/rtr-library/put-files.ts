import type { Core } from '@riposte/core';
import type { CallOf, SomeFalconHandlers } from '../call.ts';
import { entitiesResult } from '../hosts.ts';
import { actorOf } from '../call.ts';
import { deleteResult, idPage, readLibraryForm } from './caller.ts';
import { renderPutFile } from './render.ts';

export function putFileHandlers(core: Core) {
  const lib = core.rtrLibrary.putFiles;

  /** File bytes go to the blob store as they arrive; the record is written once the form is complete. */
  async function create(call: CallOf<'RTR_CreatePut_Files' | 'RTR_CreatePut_FilesV2'>, version: 1 | 2) {
    const { fields, file } = await readLibraryForm(call.request, call.op, lib, { fileRequired: true });
    const created = await lib.create({ file: file!, ...fields }, actorOf(call));
    return { resources: version === 2 ? [renderPutFile(created, 2)] : [], writes: { resources_affected: 1 } };
  }

  const get = (version: 1 | 2) => async ({ query }: CallOf<'RTR_GetPut_Files' | 'RTR_GetPut_FilesV2'>) => {
    const found = await lib.getMany(query.ids);
    return entitiesResult(query.ids, found, (f) => f.id, 'put-file', (f) => renderPutFile(f, version));
  };

  return {
    RTR_CreatePut_Files: (call) => create(call, 1),
    RTR_CreatePut_FilesV2: (call) => create(call, 2),
    RTR_GetPut_Files: get(1),
    RTR_GetPut_FilesV2: get(2),
    async RTR_DeletePut_Files(call) {
      const done = await lib.delete(call.query.ids, actorOf(call));
      return deleteResult(call.query.ids, done, 'put-file');
    },
    async RTR_ListPut_Files({ query }) {
      return idPage(await lib.list(query));
    },
    /** Raw bytes, streamed from the blob store. */
    async RTR_GetPutFileContents({ query, reply }) {
      const { file, stream } = await lib.open(query.id);
      reply
        .code(200)
        .type('application/octet-stream')
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${file.name.replace(/["\\]/g, '_')}"`);
      await reply.send(stream);
      return undefined;
    },
  } satisfies SomeFalconHandlers;
}
