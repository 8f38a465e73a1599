import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { clausesOf, OPERATOR_TEXT, type FqlClause, type FqlNode, type FqlOperator, type FqlScalar } from './ast.ts';
import { parseFqlDate, type FqlDate } from './dates.ts';
import { filterError, humanList } from './errors.ts';
import { parseFql } from './parser.ts';
import { printValue } from './print.ts';
import { columnOf, lookupField, type FqlField, type FqlSchema, type FqlType } from './schema.ts';

/** Falcon's limit on the number of property clauses in one filter. */
export const MAX_PROPERTIES = 20;
/** Values (list items count one each) per filter: keeps the bound parameters under SQLite's limit. */
export const MAX_VALUES = 5000;

export interface CompileOptions {
  /** The instant relative dates (`now-1d`) count from; default: the time of the call. */
  now?: Date;
}

/** A WHERE condition for a query on the schema's base table: `db.selectFrom('hosts').where(fn)`. */
export type FqlWhere = (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;

type Eb = ExpressionBuilder<any, any>;
type Bool = Expression<SqlBool>;
/** A condition on one value expression (a base-table column or the side table's value column). */
type ValueTest = (eb: Eb, value: Expression<unknown>) => Bool;

/** Alias of the side table inside the EXISTS subquery of a many-valued field. */
const MANY = 'fql_many';

/**
 * Parses and checks `filter` against `schema` and returns it as a Kysely WHERE condition, or
 * undefined for an absent or blank filter. All checks happen here, so a bad filter throws
 * FqlError before any query is built. Values only ever reach SQL as bound parameters.
 */
export function compileFilter(schema: FqlSchema, filter: string | undefined, options: CompileOptions = {}): FqlWhere | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const ast = parseFql(filter);
  const clauses = clausesOf(ast);
  if (clauses.length > MAX_PROPERTIES) {
    throw filterError(clauses[MAX_PROPERTIES].position, `too many properties: a filter may have at most ${MAX_PROPERTIES}, this one has ${clauses.length}`);
  }
  let values = 0;
  for (const clause of clauses) {
    values += clause.value.type === 'list' ? clause.value.items.length : 1;
    if (values > MAX_VALUES) throw filterError(clause.position, `too many values: a filter may have at most ${MAX_VALUES}`);
  }
  return compileNode(schema, ast, options.now ?? new Date());
}

function compileNode(schema: FqlSchema, node: FqlNode, now: Date): FqlWhere {
  if (node.type === 'clause') return compileClause(schema, node, now);
  const children = node.children.map((child) => compileNode(schema, child, now));
  return node.type === 'and' ? (eb) => eb.and(children.map((c) => c(eb))) : (eb) => eb.or(children.map((c) => c(eb)));
}

/** Operators that mean "not" the positive operator; the compiler builds the positive test and negates it. */
const NEGATION: Partial<Record<FqlOperator, FqlOperator>> = { ne: 'eq', not_match: 'match', not_wildcard: 'wildcard' };

const OPERATORS: Record<FqlType, FqlOperator[]> = {
  string: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'match', 'not_match', 'wildcard', 'not_wildcard'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['eq', 'ne'],
};

const COMPARISON: Partial<Record<FqlOperator, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

const opText = (op: FqlOperator) => `":${OPERATOR_TEXT[op]}"`;

/**
 * One clause. A list means "any item matches", a negated operator "no item matches", and `null`
 * (also inside a list) "has no value". Negations are exact complements of the positive test, so
 * rows whose column is NULL satisfy `:!'x'` (SQL's NOT would leave them unknown and drop them).
 */
function compileClause(schema: FqlSchema, clause: FqlClause, now: Date): FqlWhere {
  const fail = (detail: string, expected: string[] = []) => filterError(clause.position, detail, expected);
  const field = lookupField(schema, clause.property, 'filter', fail);
  const name = `property "${clause.property}"`;
  const allowed = OPERATORS[field.type];
  if (!allowed.includes(clause.operator)) {
    const ops = allowed.map(opText);
    throw fail(`${name} is a ${field.type} and does not support the ${opText(clause.operator)} operator; use ${humanList(ops)}`, ops);
  }
  const negated = NEGATION[clause.operator] !== undefined;
  const op = NEGATION[clause.operator] ?? clause.operator;
  const items = clause.value.type === 'list' ? clause.value.items : [clause.value];
  if (clause.value.type === 'list' && COMPARISON[op]) {
    throw fail(`the ${opText(clause.operator)} operator of ${name} takes a single value, not a list`);
  }
  const matchesNull = items.some((item) => item.type === 'null');
  if (matchesNull && op !== 'eq') throw fail(`${name}: null can only be used with ":" or ":!"`);
  const nonNull = items.filter((item) => item.type !== 'null');
  const test = nonNull.length > 0 ? valueTest(field, op, nonNull, now, (what, item) => fail(`${name} expects ${what}, got ${describe(item)}`)) : undefined;

  if (field.many) {
    const many = field.many;
    const base = sql.ref(`${schema.table}.${schema.key}`);
    const value = sql.ref(`${MANY}.${many.valueColumn}`);
    const exists = (cond: Bool) =>
      sql<SqlBool>`exists (select 1 from ${sql.table(many.table)} as ${sql.id(MANY)} where ${sql.ref(`${MANY}.${many.ownerColumn}`)} = ${base} and ${cond})`;
    const positive = (eb: Eb) =>
      anyOf(eb, [
        ...(matchesNull ? [not(exists(hasValue(field.type, value)))] : []),
        ...(test ? [exists(test(eb, value))] : []),
      ]);
    return negated ? (eb) => not(positive(eb)) : positive;
  }

  const column = field.expression ?? sql.ref(`${schema.table}.${columnOf(clause.property, field)}`);
  return (eb) => {
    const nullTest = matchesNull ? not(hasValue(field.type, column)) : undefined;
    const valueCond = test?.(eb, column);
    if (!negated) return anyOf(eb, [nullTest, valueCond].filter((c) => c !== undefined));
    // valueCond is NULL (neither true nor false) where the column is NULL: settle that case first.
    if (nullTest) return eb.and([hasValue(field.type, column), ...(valueCond ? [not(valueCond)] : [])]);
    return eb.or([sql<SqlBool>`${column} is null`, not(valueCond!)]);
  };
}

/** Parenthesised so the meaning never depends on operator precedence inside `cond`. */
function not(cond: Bool): Bool {
  return sql<SqlBool>`not (${cond})`;
}

/** True where the value is present: not NULL, and for strings not ''. Never NULL itself. */
function hasValue(type: FqlType, value: Expression<unknown>): Bool {
  return type === 'string' ? sql<SqlBool>`(${value} is not null and ${value} <> '')` : sql<SqlBool>`(${value} is not null)`;
}

/** The positive test "the value matches any of `items`" for a field of the given type. */
function valueTest(
  field: FqlField,
  op: FqlOperator,
  items: FqlScalar[],
  now: Date,
  wrongType: (what: string, item: FqlScalar) => Error,
): ValueTest {
  switch (field.type) {
    case 'string': {
      const texts = items.map((item) => asText(item));
      return stringTest(op, texts, field.caseInsensitive !== false);
    }
    case 'number': {
      const numbers = items.map((item) => asNumber(item) ?? throwError(wrongType('a number', item)));
      return scalarTest(op, numbers.map(numberParam));
    }
    case 'boolean': {
      const flags = items.map((item) => asBoolean(item) ?? throwError(wrongType('true or false', item)));
      // Stored as integers 0/1.
      return scalarTest(op, flags.map((flag) => sql`${flag ? 1 : 0}`));
    }
    case 'date': {
      const dates = items.map(
        (item) => asDate(item, now) ?? throwError(wrongType(`a date such as '2024-01-02', '2024-01-02T03:04:05Z' or 'now-1d'`, item)),
      );
      return (eb, value) => anyOf(eb, dates.map((date) => dateTest(op, date, value)));
    }
  }
}

function stringTest(op: FqlOperator, texts: string[], caseInsensitive: boolean): ValueTest {
  if (op === 'match' || op === 'wildcard') {
    // Both are case-insensitive whatever the field says. lower() on both sides (rather than
    // lowercasing in JS) so each database folds the value exactly as it folds the column.
    const patterns = texts.map((t) => (op === 'match' ? `%${escapeLike(t)}%` : escapeLike(t).replaceAll('*', '%')));
    return (eb, value) =>
      anyOf(eb, patterns.map((p) => sql<SqlBool>`lower(${value}) like lower(${p}) escape '\\'`));
  }
  const params = texts.map((t) => (caseInsensitive ? sql`lower(${t})` : sql`${t}`));
  return (eb, value) => scalarTest(op, params)(eb, caseInsensitive ? sql`lower(${value})` : value);
}

/** `=` (IN for several values) or a single comparison. */
function scalarTest(op: FqlOperator, params: RawBuilder<unknown>[]): ValueTest {
  const comparison = COMPARISON[op];
  if (comparison) return (_eb, value) => sql<SqlBool>`${value} ${sql.raw(comparison)} ${params[0]}`;
  if (params.length === 1) return (_eb, value) => sql<SqlBool>`${value} = ${params[0]}`;
  return (_eb, value) => sql<SqlBool>`${value} in (${sql.join(params)})`;
}

/** ISO strings compare like the instants they denote; a whole day spans [first, last]. */
function dateTest(op: FqlOperator, date: FqlDate, value: Expression<unknown>): Bool {
  if (date.kind === 'instant') {
    if (op === 'eq') return sql<SqlBool>`${value} = ${date.iso}`;
    return sql<SqlBool>`${value} ${sql.raw(COMPARISON[op]!)} ${date.iso}`;
  }
  switch (op) {
    case 'eq':
      return sql<SqlBool>`(${value} >= ${date.first} and ${value} <= ${date.last})`;
    case 'gt': // after the day
      return sql<SqlBool>`${value} > ${date.last}`;
    case 'gte':
      return sql<SqlBool>`${value} >= ${date.first}`;
    case 'lt': // before the day
      return sql<SqlBool>`${value} < ${date.first}`;
    default: // lte: up to the end of the day
      return sql<SqlBool>`${value} <= ${date.last}`;
  }
}

/**
 * A number parameter. PostgreSQL types a bare parameter after the column, so 2.5 against an
 * integer column (or 10^20 against a bigint) would fail to convert; numeric takes any of them.
 * Small integers stay bare so that indexes on integer columns remain usable.
 */
function numberParam(n: number): RawBuilder<unknown> {
  return Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1 ? sql`${n}` : sql`cast(${n} as numeric)`;
}

/** LIKE metacharacters in user text, escaped for `ESCAPE '\'`. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * OR of the conditions, nested in groups of at most 16: SQLite parses `a OR b OR c …` into a
 * tree as deep as the list is long and refuses trees deeper than 1000.
 */
function anyOf(eb: Eb, conds: Bool[]): Bool {
  if (conds.length === 1) return conds[0];
  if (conds.length <= 16) return eb.or(conds);
  const groups: Bool[] = [];
  for (let i = 0; i < conds.length; i += 16) groups.push(anyOf(eb, conds.slice(i, i + 16)));
  return anyOf(eb, groups);
}

// Unquoted words are typed by the parser (`10` is a number); a field of another type reads its text.

function asText(item: FqlScalar): string {
  switch (item.type) {
    case 'string':
      return item.value;
    case 'number':
      return item.raw;
    case 'boolean':
      return String(item.value);
    case 'null':
      throw new Error('unreachable: null is handled by the caller');
  }
}

const NUMBER = /^\s*-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*$/;

function asNumber(item: FqlScalar): number | undefined {
  if (item.type === 'number') return item.value;
  if (item.type === 'string' && NUMBER.test(item.value)) {
    const n = Number(item.value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function asBoolean(item: FqlScalar): boolean | undefined {
  if (item.type === 'boolean') return item.value;
  if (item.type === 'string' && /^(true|false)$/i.test(item.value)) return item.value.toLowerCase() === 'true';
  return undefined;
}

function asDate(item: FqlScalar, now: Date): FqlDate | undefined {
  return item.type === 'string' ? parseFqlDate(item.value, now) : undefined;
}

/** A value as the user could have written it, cut short for the error message. */
function describe(item: FqlScalar): string {
  const text = printValue(item);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function throwError(err: Error): never {
  throw err;
}
