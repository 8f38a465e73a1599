/**
 * Property tests: printed ASTs parse back to themselves, no input makes the module throw anything
 * but FqlError, and compiled filters select exactly the rows that a plain JS evaluator of the
 * same semantics selects, on the test run's real database.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Store } from '../db/index.ts';
import { openTestStore } from '../testing/db.ts';
import { offlineKysely as offline } from '../testing/offline-kysely.ts';
import { clausesOf, type FqlClause, type FqlNode, type FqlOperator, type FqlScalar, type FqlValue } from './ast.ts';
import { compileFilter } from './compile.ts';
import { parseFqlDate } from './dates.ts';
import { FqlError } from './errors.ts';
import { parseFql } from './parser.ts';
import { printFql } from './print.ts';
import type { FqlSchema } from './schema.ts';

const ALL_OPERATORS: FqlOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'match', 'not_match', 'wildcard', 'not_wildcard'];
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A tree of `clause` leaves in the parser's canonical form (no and-in-and, no or-in-or). */
function treeOf(clause: fc.Arbitrary<FqlNode>, maxDepth: number): fc.Arbitrary<FqlNode> {
  const { node } = fc.letrec<{ node: FqlNode; and: FqlNode; or: FqlNode }>((tie) => ({
    node: fc.oneof({ maxDepth, depthIdentifier: 'fql' }, clause, tie('and'), tie('or')),
    and: fc
      .array(fc.oneof({ maxDepth, depthIdentifier: 'fql' }, clause, tie('or')), { minLength: 2, maxLength: 3 })
      .map((children) => ({ type: 'and' as const, children })),
    or: fc
      .array(fc.oneof({ maxDepth, depthIdentifier: 'fql' }, clause, tie('and')), { minLength: 2, maxLength: 3 })
      .map((children) => ({ type: 'or' as const, children })),
  }));
  return node;
}

function withoutPositions(node: FqlNode): unknown {
  if (node.type === 'clause') return { ...node, position: undefined };
  return { type: node.type, children: node.children.map(withoutPositions) };
}

// ---------------------------------------------------------------------------------------------
// (a) print → parse round trip over arbitrary syntax trees

const anyScalar: fc.Arbitrary<FqlScalar> = fc.oneof(
  fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: fc.constantFrom(`'`, `"`, '\\', ',', '+', '*', 'a', ' ') })).map(
    (value) => ({ type: 'string' as const, value }),
  ),
  fc
    .oneof(fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.stringMatching(/^-?0\d{0,3}(\.\d{1,3})?$/))
    .filter((raw) => NUMBER.test(raw))
    .map((raw) => ({ type: 'number' as const, value: Number(raw), raw })),
  fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
  fc.constant({ type: 'null' as const }),
);

const anyValue: fc.Arbitrary<FqlValue> = fc.oneof(
  { weight: 3, arbitrary: anyScalar },
  { weight: 1, arbitrary: fc.array(anyScalar, { minLength: 1, maxLength: 4 }).map((items) => ({ type: 'list' as const, items })) },
);

const anyClause: fc.Arbitrary<FqlNode> = fc.record({
  type: fc.constant('clause' as const),
  property: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,12}$/),
  operator: fc.constantFrom(...ALL_OPERATORS),
  value: anyValue,
  position: fc.constant(0),
});

const spacing = fc.array(fc.constantFrom('', '', ' ', '\t', '\n', '  '), { minLength: 1, maxLength: 8 });

describe('FQL round trip', () => {
  it('parses printed trees back to the same tree', () => {
    fc.assert(
      fc.property(treeOf(anyClause, 4), spacing, (ast, spaces) => {
        let i = 0;
        const text = printFql(ast, { space: () => spaces[i++ % spaces.length] });
        const parsed = parseFql(text);
        expect(withoutPositions(parsed)).toEqual(withoutPositions(ast));
        for (const clause of clausesOf(parsed)) expect(text.startsWith(clause.property, clause.position)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The small resource used by (b) and (c): one field of each type plus a many-valued one.

const schema: FqlSchema = {
  table: 'fqltest_items',
  key: 'id',
  fields: {
    name: { type: 'string' },
    code: { type: 'string', caseInsensitive: false },
    label: { type: 'string', column: 'name' },
    n: { type: 'number' },
    score: { type: 'number' },
    flag: { type: 'boolean' },
    seen: { type: 'date' },
    tag: { type: 'string', many: { table: 'fqltest_tags', ownerColumn: 'item_id', valueColumn: 'tag' } },
  },
};

const now = new Date('2024-01-04T00:00:00.000Z');

// ---------------------------------------------------------------------------------------------
// (b) any input: a result or an FqlError, nothing else

const fqlish = fc
  .array(
    fc.constantFrom(
      'name', 'n', 'tag', 'seen', 'flag', 'code', 'zz', ':', ':', '!', '~', '*', '>', '<', '=', `'`, `"`, '\\', '[', ']', '(', ')',
      ',', '+', ' ', '1', '-2.5', '.', 'null', 'true', 'now-1d', '2024-01-02', `'x'`, 'x', '%', '_', '\u{1F600}',
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('FQL on arbitrary input', () => {
  const dbs = [offline('sqlite'), offline('postgres')];
  const check = (text: string) => {
    try {
      const where = compileFilter(schema, text, { now });
      if (where) for (const db of dbs) db.selectFrom('fqltest_items').select('id').where(where).compile();
    } catch (err) {
      if (!(err instanceof FqlError)) throw err;
      expect(err.message).toMatch(/^Invalid FQL filter at position \d+: /);
      expect(err.position).toBeGreaterThanOrEqual(0);
      expect(err.position).toBeLessThanOrEqual(text.length);
    }
  };

  it('throws only FqlError on FQL-like noise', () => {
    fc.assert(fc.property(fqlish, check), { numRuns: 3000 });
  });

  it('throws only FqlError on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), check), { numRuns: 1000 });
  });

  it('throws only FqlError on mutated valid filters', () => {
    const mutated = fc
      .tuple(treeOf(anyClause, 3), fc.nat(), fc.nat({ max: 5 }), fqlish)
      .map(([ast, at, cut, noise]) => {
        const text = printFql(ast);
        const i = at % (text.length + 1);
        return text.slice(0, i) + noise + text.slice(i + cut);
      });
    fc.assert(fc.property(mutated, check), { numRuns: 1000 });
  });
});

// ---------------------------------------------------------------------------------------------
// (c) compiled filters against a JS evaluator of the same semantics

interface Row {
  id: string;
  name: string | null;
  code: string | null;
  n: number | null;
  score: number | null;
  flag: number | null;
  seen: string | null;
  tags: string[];
}

// ASCII only: SQLite's lower() folds ASCII letters only, PostgreSQL's depends on the locale.
const CHARS = ['a', 'b', 'A', 'B', '%', '_', '\\', `'`, '"', '*', ' ', '-'];
const shortText = (max: number) => fc.array(fc.constantFrom(...CHARS), { maxLength: max }).map((cs) => cs.join(''));
const DAY_MS = 86_400_000;

const rowArb = fc.record({
  name: fc.option(shortText(4), { nil: null, freq: 6 }),
  code: fc.option(shortText(3), { nil: null, freq: 6 }),
  n: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null, freq: 6 }),
  score: fc.option(fc.integer({ min: -8, max: 8 }).map((k) => k / 4), { nil: null, freq: 6 }),
  flag: fc.option(fc.constantFrom(0, 1), { nil: null, freq: 6 }),
  seen: fc.option(
    fc
      .tuple(fc.integer({ min: 0, max: 5 }), fc.oneof(fc.constant(0), fc.constant(DAY_MS - 1), fc.integer({ min: 0, max: DAY_MS - 1 })))
      .map(([day, ms]) => new Date(Date.UTC(2024, 0, 1) + day * DAY_MS + ms).toISOString()),
    { nil: null, freq: 6 },
  ),
  tags: fc.uniqueArray(shortText(3), { maxLength: 3 }),
});

const rows: Row[] = fc.sample(rowArb, { numRuns: 50, seed: 20240104 }).map((r, i) => ({ id: `r${String(i).padStart(2, '0')}`, ...r }));

// Values drawn from the rows (so that filters match something), in random case.
const texts = [...new Set(rows.flatMap((r) => [r.name, r.code, ...r.tags]).filter((t): t is string => t !== null))];
const pooled = fc.constantFrom(...texts).chain((t) => fc.constantFrom(t, t.toUpperCase(), t.toLowerCase()));
const textValue = fc.oneof(pooled, shortText(3));
const substring = fc
  .tuple(textValue, fc.nat(), fc.nat())
  .map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1) + 1));
const pattern = fc
  .tuple(textValue, fc.array(fc.constantFrom('keep', 'keep', 'star', 'drop'), { minLength: 6, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([t, edits, pre, post]) => {
    const body = [...t].map((c, i) => ({ keep: c, star: '*', drop: '' })[edits[i % edits.length]]).join('');
    return `${pre ? '*' : ''}${body}${post ? '*' : ''}`;
  });

const seenValues = rows.flatMap((r) => (r.seen ? [r.seen] : []));
const dateText = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((d) => new Date(Date.UTC(2023, 11, 31) + d * DAY_MS).toISOString().slice(0, 10)),
  fc.constantFrom(...seenValues),
  // The same instant written with a +02:00 offset and without milliseconds when they are zero.
  fc.constantFrom(...seenValues).map((iso) => {
    const local = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString();
    return `${local.slice(0, 19)}${local.endsWith('.000Z') ? '' : local.slice(19, 23)}+02:00`;
  }),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('d', 'h', 'w', 'days')).map(([k, u]) => `now-${k}${u}`),
  fc.constant('now'),
);

const str = (value: string): FqlScalar => ({ type: 'string', value });
const number = (raw: string): FqlScalar => ({ type: 'number', value: Number(raw), raw });
const nul: FqlScalar = { type: 'null' };

/** Scalars a field accepts for an operator (null only where allowed). */
function scalarFor(property: string, op: FqlOperator): fc.Arbitrary<FqlScalar> {
  const field = schema.fields[property];
  const positive = op.replace(/^not_/, '').replace(/^ne$/, 'eq');
  const orNull = (a: fc.Arbitrary<FqlScalar>) => (positive === 'eq' ? fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: fc.constant(nul) }) : a);
  switch (field.type) {
    case 'string':
      if (positive === 'match') return substring.map(str);
      if (positive === 'wildcard') return pattern.map(str);
      return orNull(textValue.map(str));
    case 'number': {
      const raw = fc.oneof(fc.integer({ min: -6, max: 6 }).map(String), fc.integer({ min: -9, max: 9 }).map((k) => String(k / 4)));
      return orNull(fc.oneof(raw.map(number), raw.map(str)));
    }
    case 'boolean':
      return orNull(fc.oneof(fc.boolean().map((value) => ({ type: 'boolean' as const, value })), fc.constantFrom('true', 'FALSE').map(str)));
    case 'date':
      return orNull(dateText.map(str));
  }
}

const OPERATORS_BY_TYPE = {
  string: ALL_OPERATORS,
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['eq', 'ne'],
} satisfies Record<string, FqlOperator[]>;

const validClause: fc.Arbitrary<FqlNode> = fc
  .constantFrom(...Object.keys(schema.fields))
  .chain((property) => fc.tuple(fc.constant(property), fc.constantFrom<FqlOperator>(...OPERATORS_BY_TYPE[schema.fields[property].type])))
  .chain(([property, operator]) => {
    const comparison = ['gt', 'gte', 'lt', 'lte'].includes(operator);
    const single = scalarFor(property, operator);
    const value: fc.Arbitrary<FqlValue> = comparison
      ? single
      : fc.oneof(
          { weight: 3, arbitrary: single },
          { weight: 1, arbitrary: fc.array(scalarFor(property, operator), { minLength: 1, maxLength: 3 }).map((items) => ({ type: 'list' as const, items })) },
        );
    return value.map((v): FqlClause => ({ type: 'clause', property, operator, value: v, position: 0 }));
  });

const validFilter = treeOf(validClause, 3).filter((ast) => clausesOf(ast).length <= 20);

// The evaluator: the documented semantics, written without SQL.

const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const cmp = (op: FqlOperator, a: string | number, b: string | number) =>
  op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : op === 'lte' ? a <= b : a === b;
const wildcard = (p: string) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
const textOf = (item: FqlScalar) => (item.type === 'number' ? item.raw : item.type === 'string' ? item.value : String((item as { value: boolean }).value));

function itemMatches(type: string, caseInsensitive: boolean, op: FqlOperator, v: string | number, item: FqlScalar): boolean {
  switch (type) {
    case 'string': {
      const s = v as string;
      const t = textOf(item);
      if (op === 'match') return lower(s).includes(lower(t));
      if (op === 'wildcard') return wildcard(lower(t)).test(lower(s));
      return caseInsensitive ? cmp(op, lower(s), lower(t)) : cmp(op, s, t);
    }
    case 'number':
      return cmp(op, v, Number(textOf(item)));
    case 'boolean':
      return v === (lower(textOf(item)) === 'true' ? 1 : 0);
    default: {
      const date = parseFqlDate(textOf(item), now)!;
      if (date.kind === 'instant') return cmp(op, v, date.iso);
      const s = v as string;
      if (op === 'eq') return s >= date.first && s <= date.last;
      if (op === 'gt' || op === 'lte') return cmp(op, s, date.last);
      return cmp(op, s, date.first);
    }
  }
}

function evaluate(node: FqlNode, row: Row): boolean {
  if (node.type === 'and') return node.children.every((c) => evaluate(c, row));
  if (node.type === 'or') return node.children.some((c) => evaluate(c, row));
  const field = schema.fields[node.property];
  const negated = ['ne', 'not_match', 'not_wildcard'].includes(node.operator);
  const op = ({ ne: 'eq', not_match: 'match', not_wildcard: 'wildcard' } as Record<string, FqlOperator>)[node.operator] ?? node.operator;
  const items = node.value.type === 'list' ? node.value.items : [node.value];
  const matchesNull = items.some((i) => i.type === 'null');
  const nonNull = items.filter((i) => i.type !== 'null');
  const present = (v: unknown) => v !== null && v !== '';
  const values: (string | number | null)[] = field.many ? row.tags : [row[(field.column ?? node.property) as 'name']];
  const nullOk = field.many ? !values.some(present) : field.type === 'string' ? !present(values[0]) : values[0] === null;
  const positive =
    (matchesNull && nullOk) ||
    values.some((v) => v !== null && nonNull.some((item) => itemMatches(field.type, field.caseInsensitive !== false, op, v, item)));
  return negated ? !positive : positive;
}

describe('compiled FQL against a JS evaluator', () => {
  let store: Store;
  let db: Kysely<any>;

  beforeAll(async () => {
    store = await openTestStore();
    db = store.db as unknown as Kysely<any>;
    await db.schema
      .createTable('fqltest_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('code', 'text')
      .addColumn('n', 'integer')
      .addColumn('score', 'double precision')
      .addColumn('flag', 'integer')
      .addColumn('seen', 'text')
      .execute();
    await db.schema.createTable('fqltest_tags').addColumn('item_id', 'text', (c) => c.notNull()).addColumn('tag', 'text', (c) => c.notNull()).execute();
    await db.insertInto('fqltest_items').values(rows.map(({ tags: _tags, ...row }) => row)).execute();
    const tags = rows.flatMap((r) => r.tags.map((tag) => ({ item_id: r.id, tag })));
    await db.insertInto('fqltest_tags').values(tags).execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('the rows exercise nulls, empty strings, LIKE metacharacters and tags', () => {
    expect(rows.some((r) => r.name === null) && rows.some((r) => r.name === '')).toBe(true);
    expect(texts.some((t) => /[%_\\]/.test(t))).toBe(true);
    expect(rows.some((r) => r.tags.length === 0) && rows.some((r) => r.tags.length > 1)).toBe(true);
  });

  it('selects the rows the evaluator selects', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(validFilter, async (ast) => {
        const text = printFql(ast);
        const where = compileFilter(schema, text, { now })!;
        const got = (await db.selectFrom('fqltest_items').select('id').where(where).orderBy('id').execute()).map((r) => r.id);
        const expected = rows.filter((r) => evaluate(ast, r)).map((r) => r.id);
        expect(got, text).toEqual(expected);
        if (expected.length > 0 && expected.length < rows.length) nonTrivial++;
      }),
      { numRuns: 400 },
    );
    // Guard against a generator that only produces filters matching everything or nothing.
    expect(nonTrivial).toBeGreaterThan(150);
  });

  it('a negated clause selects exactly the complement', async () => {
    const negate: Partial<Record<FqlOperator, FqlOperator>> = { eq: 'ne', match: 'not_match', wildcard: 'not_wildcard' };
    await fc.assert(
      fc.asyncProperty(
        validClause.filter((c) => (c as FqlClause).operator in negate),
        async (clause) => {
          const c = clause as FqlClause;
          const select = async (node: FqlNode) =>
            (await db.selectFrom('fqltest_items').select('id').where(compileFilter(schema, printFql(node), { now })!).execute()).map((r) => r.id);
          const yes = await select(c);
          const no = await select({ ...c, operator: negate[c.operator]! });
          expect([...yes, ...no].sort()).toEqual(rows.map((r) => r.id));
        },
      ),
      { numRuns: 150 },
    );
  });
});
