/**
 * FQL, the filter language of the Falcon APIs (`platform_name:'Linux'+last_seen:>'now-1d'`):
 * parsing, and compiling filters and sort strings to Kysely against a per-resource schema.
 */
export type {
  FqlAnd,
  FqlBoolean,
  FqlClause,
  FqlList,
  FqlNode,
  FqlNull,
  FqlNumber,
  FqlOperator,
  FqlOr,
  FqlScalar,
  FqlString,
  FqlValue,
} from './ast.ts';
export { clausesOf, OPERATOR_TEXT } from './ast.ts';
export { FqlError } from './errors.ts';
export { parseFql, MAX_FILTER_LENGTH } from './parser.ts';
export { printFql, printValue, type PrintOptions } from './print.ts';
export { parseFqlDate, type FqlDate } from './dates.ts';
export type { FqlField, FqlSchema, FqlType } from './schema.ts';
export { compileFilter, MAX_PROPERTIES, MAX_VALUES, type CompileOptions, type FqlWhere } from './compile.ts';
export { compileSort, applySort, type FqlSortTerm } from './sort.ts';
export { queryPage, queryIds, type PageQuery, type PageBounds, type IdPage } from './page.ts';
