import type { Core } from '@riposte/core';
import type { CallOf, SomeFalconHandlers } from '../call.ts';
import { entitiesResult } from '../hosts.ts';
import { actorOf } from '../call.ts';
import { deleteResult, idPage, readLibraryForm } from './caller.ts';
import { renderScript } from './render.ts';

export function scriptHandlers(core: Core) {
  const lib = core.rtrLibrary.scripts;

  async function create(call: CallOf<'RTR_CreateScripts' | 'RTR_CreateScriptsV2'>, version: 1 | 2) {
    const { fields, file } = await readLibraryForm(call.request, call.op, lib, { fileRequired: false, maxFieldBytes: core.rtrLibrary.maxScriptBytes });
    const created = await lib.create({ ...fields, file }, actorOf(call));
    return { resources: version === 2 ? [renderScript(created, 2)] : [], writes: { resources_affected: 1 } };
  }

  async function update(call: CallOf<'RTR_UpdateScripts' | 'RTR_UpdateScriptsV2'>, version: 1 | 2) {
    const { fields, file } = await readLibraryForm(call.request, call.op, lib, { fileRequired: false, maxFieldBytes: core.rtrLibrary.maxScriptBytes });
    const updated = await lib.update({ ...fields, file }, actorOf(call));
    return { resources: version === 2 ? [renderScript(updated, 2)] : [], writes: { resources_affected: 1 } };
  }

  const get = (version: 1 | 2) => async (call: CallOf<'RTR_GetScripts' | 'RTR_GetScriptsV2'>) => {
    const ids = call.query.ids;
    const found = await lib.getMany(ids, actorOf(call));
    return entitiesResult(ids, found, (s) => s.id, 'script', (s) => renderScript(s, version));
  };

  return {
    RTR_CreateScripts: (call) => create(call, 1),
    RTR_CreateScriptsV2: (call) => create(call, 2),
    RTR_GetScripts: get(1),
    RTR_GetScriptsV2: get(2),
    RTR_UpdateScripts: (call) => update(call, 1),
    RTR_UpdateScriptsV2: (call) => update(call, 2),
    async RTR_DeleteScripts(call) {
      const done = await lib.delete(call.query.ids, actorOf(call));
      return deleteResult(call.query.ids, done, 'script');
    },
    async RTR_ListScripts(call) {
      return idPage(await lib.list(call.query, actorOf(call)));
    },
  } satisfies SomeFalconHandlers;
}
