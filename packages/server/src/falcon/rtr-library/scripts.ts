import type { FastifyRequest } from 'fastify';
import type { Core } from '@riposte/core';
import { ServiceError } from '@riposte/core';
import type { CallOf, SomeFalconHandlers } from '../call.ts';
import { readForm } from '../../form-input.ts';
import { entitiesResult } from '../hosts.ts';
import { actorOf, deleteResult, idPage } from './caller.ts';
import { renderScript } from './render.ts';

type ScriptWrite = CallOf<'RTR_CreateScripts' | 'RTR_CreateScriptsV2' | 'RTR_UpdateScripts' | 'RTR_UpdateScriptsV2'>;

export function scriptHandlers(core: Core) {
  const lib = core.rtrLibrary.scripts;

  /** A script is `content` or one `file` part; bytes are staged as they arrive, as for put-files. */
  async function readScriptForm<O extends ScriptWrite['op']>(call: { request: FastifyRequest; op: O }) {
    const { fields, files } = await readForm(
      call.request,
      call.op,
      (part) => lib.stage(part),
      async (staged) => {
        for (const s of staged) await lib.discard(s);
      },
      // `content` carries a whole script.
      { maxFieldBytes: core.rtrLibrary.maxScriptBytes },
    );
    if (files.length > 1) {
      for (const s of files) await lib.discard(s);
      throw new ServiceError('bad_input', 'send at most one file part "file"');
    }
    return { fields, file: files[0] };
  }

  async function create(call: CallOf<'RTR_CreateScripts' | 'RTR_CreateScriptsV2'>, version: 1 | 2) {
    const { fields, file } = await readScriptForm(call);
    const created = await lib.create({ ...fields, file }, actorOf(call));
    return { resources: version === 2 ? [renderScript(created, 2)] : [], writes: { resources_affected: 1 } };
  }

  async function update(call: CallOf<'RTR_UpdateScripts' | 'RTR_UpdateScriptsV2'>, version: 1 | 2) {
    const { fields, file } = await readScriptForm(call);
    const updated = await lib.update({ ...fields, file }, actorOf(call));
    return { resources: version === 2 ? [renderScript(updated, 2)] : [], writes: { resources_affected: 1 } };
  }

  const get = (version: 1 | 2) => async (call: CallOf<'RTR_GetScripts' | 'RTR_GetScriptsV2'>) => {
    const ids = call.query.ids;
    const found = await lib.getMany(ids, { client_id: actorOf(call).client_id });
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
      return idPage(await lib.list(call.query, { client_id: actorOf(call).client_id }));
    },
  } satisfies SomeFalconHandlers;
}
