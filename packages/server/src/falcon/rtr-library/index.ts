import type { Core } from '@riposte/core';
import type { SomeFalconHandlers } from '../call.ts';
import { falconScriptHandlers } from './falcon-scripts.ts';
import { putFileHandlers } from './put-files.ts';
import { scriptHandlers } from './scripts.ts';

/** Handlers of the RTR library operations (spec: falcon/rtr-library.ts). */
export function rtrLibraryHandlers(core: Core) {
  return { ...putFileHandlers(core), ...scriptHandlers(core), ...falconScriptHandlers(core) } satisfies SomeFalconHandlers;
}
