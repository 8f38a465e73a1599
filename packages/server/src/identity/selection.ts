import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { Kind } from './graphql.ts';

/**
 * Names of the fields a query selects at `path` below the field being resolved (e.g. the fields
 * of `nodes` under `entities`), through inline fragments and fragment spreads.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  const out = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, depth: number, seen: ReadonlySet<string>) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, depth, seen);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = info.fragments[sel.name.value];
        if (frag && !seen.has(sel.name.value)) walk(frag.selectionSet, depth, new Set([...seen, sel.name.value]));
      } else if (depth === path.length) out.add(sel.name.value);
      else if (sel.name.value === path[depth]) walk((sel as FieldNode).selectionSet, depth + 1, seen);
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, 0, new Set());
  return out;
}
