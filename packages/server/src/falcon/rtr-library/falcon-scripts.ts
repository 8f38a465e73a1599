import type { Core } from '@riposte/core';
import type { SomeFalconHandlers } from '../call.ts';
import { entitiesResult } from '../hosts.ts';
import { idPage } from './caller.ts';
import { renderFalconScript } from './render.ts';

export function falconScriptHandlers(core: Core) {
  const lib = core.rtrLibrary.falconScripts;
  return {
    async RTR_ListFalconScripts({ query }) {
      return idPage(await lib.list(query));
    },
    async RTR_GetFalconScripts({ query }) {
      const found = await lib.getMany(query.ids);
      return entitiesResult(query.ids, found, (s) => s.id, 'falcon script', renderFalconScript);
    },
  } satisfies SomeFalconHandlers;
}
