/** The syntax tree of an FQL filter, as produced by grammar.peggy. */

/** `:` eq, `:!` ne, `:>` gt, `:>=` gte, `:<` lt, `:<=` lte, `:~` match, `:!~` not_match, `:*` wildcard, `:!*` not_wildcard. */
export type FqlOperator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'match' | 'not_match' | 'wildcard' | 'not_wildcard';

/** What follows the colon for each operator. */
export const OPERATOR_TEXT: Record<FqlOperator, string> = {
  eq: '',
  ne: '!',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  match: '~',
  not_match: '!~',
  wildcard: '*',
  not_wildcard: '!*',
};

/** A quoted string or an unquoted word that is not a number, boolean or null. */
export interface FqlString {
  type: 'string';
  value: string;
}

/** An unquoted number; `raw` keeps its spelling for string fields (`serial:007`). */
export interface FqlNumber {
  type: 'number';
  value: number;
  raw: string;
}

export interface FqlBoolean {
  type: 'boolean';
  value: boolean;
}

export interface FqlNull {
  type: 'null';
}

export type FqlScalar = FqlString | FqlNumber | FqlBoolean | FqlNull;

/** `[a,b]`: any of the items (with a negated operator: none of them). Never empty. */
export interface FqlList {
  type: 'list';
  items: FqlScalar[];
}

export type FqlValue = FqlScalar | FqlList;

export interface FqlClause {
  type: 'clause';
  property: string;
  operator: FqlOperator;
  value: FqlValue;
  /** Offset of the property name in the filter text, for error messages. */
  position: number;
}

/** `+`. Children are never themselves `and` nodes and there are at least two. */
export interface FqlAnd {
  type: 'and';
  children: FqlNode[];
}

/** `,`. Children are never themselves `or` nodes and there are at least two. */
export interface FqlOr {
  type: 'or';
  children: FqlNode[];
}

export type FqlNode = FqlClause | FqlAnd | FqlOr;

/** The clauses of a filter in text order. */
export function clausesOf(node: FqlNode): FqlClause[] {
  return node.type === 'clause' ? [node] : node.children.flatMap(clausesOf);
}
