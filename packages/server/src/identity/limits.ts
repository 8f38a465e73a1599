import type { DocumentNode, FieldNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { GraphQLError, Kind } from './graphql.ts';

/** Deepest selection allowed (introspection of nested type wrappers stays well within it). */
export const MAX_DEPTH = 12;
/** Points a query may cost: each field costs 1 for every item of every list it sits in. */
export const MAX_COST = 50_000;
/** Items a list field is taken to return when the query does not say `first`. */
const DEFAULT_LIST = 50;
const LIST_FIELDS = new Set(['entities', 'timeline', 'incidents', 'openIncidents']);

function intArg(field: FieldNode, name: string, variables: Record<string, unknown>): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const v: ValueNode = arg.value;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const value = variables[v.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

/**
 * Depth and cost of the operation that will run, fragments expanded (each fragment spread at most
 * once per path, so a cycle cannot loop). Over either limit: a GraphQL error before execution.
 */
export function checkLimits(doc: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): { cost: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let cost = 0;
  const walk = (set: SelectionSetNode, depth: number, multiplier: number, seen: ReadonlySet<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        cost += multiplier;
        if (cost > MAX_COST) throw new GraphQLError(`query cost exceeds the limit of ${MAX_COST} points; ask for fewer items (first) or fields`, { extensions: { code: 'QUERY_TOO_COSTLY' } });
        if (!sel.selectionSet) continue;
        if (depth + 1 > MAX_DEPTH) throw new GraphQLError(`query depth exceeds the limit of ${MAX_DEPTH}`, { extensions: { code: 'QUERY_TOO_DEEP' } });
        const n = LIST_FIELDS.has(sel.name.value) ? Math.max(1, intArg(sel, 'first', variables) ?? DEFAULT_LIST) : 1;
        walk(sel.selectionSet, depth + 1, multiplier * n, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth, multiplier, seen);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || seen.has(name)) continue;
        walk(frag.selectionSet, depth, multiplier, new Set([...seen, name]));
      }
    }
  };
  walk(operation.selectionSet, 0, 1, new Set());
  return { cost };
}
