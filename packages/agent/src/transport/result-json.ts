// A result as the JSON text of its frame.

import type { CommandResult } from '../commands/index.ts';

/**
 * JSON text of frozen result data, by object. Frozen data is taken to be immutable all the way
 * down, so data answered again (a simulated host's kept directory listing, on every host of a
 * fan-out, again and again) is serialised once; JSON.stringify is otherwise the costliest step of an ls.
 */
const frozenJson = new WeakMap<object, string>();

/** The result object as JSON text. */
export function resultJson(result: CommandResult): string {
  if (result.ok && Object.isFrozen(result.data) && typeof result.cwd === 'string') {
    let data = frozenJson.get(result.data);
    if (data === undefined) frozenJson.set(result.data, (data = JSON.stringify(result.data)));
    return `{"ok":true,"data":${data},"cwd":${JSON.stringify(result.cwd)}}`;
  }
  return JSON.stringify(result);
}
