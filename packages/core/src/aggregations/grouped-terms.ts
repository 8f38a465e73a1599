import { sql, type AliasedRawBuilder, type Expression, type Kysely, type SqlBool } from 'kysely';
import { compileFilter, type FqlField, type FqlSchema, type FqlWhere } from '../fql/index.ts';
import { badRequest } from '../util/errors.ts';
import { compareKeys, intParam, termLabel, termsOrder } from './request-params.ts';
import { MAX_AGGREGATION_BUCKETS, type AggregateRequest, type AggregationBucket, type AggregationResult } from './index.ts';

/** Groups one GROUP BY may return before the request is left to the engine's bucket-by-bucket path. */
const MAX_GROUPS = 10_000;
/** Deepest chain of terms taken in one query (the Falcon routes allow 3 levels). */
const MAX_LEVELS = 4;
const METRICS = ['avg', 'sum', 'min', 'max'] as const;
type MetricType = (typeof METRICS)[number];

interface Metric {
  name: string;
  property: string;
  column: string;
  type: MetricType;
}

interface Level {
  name: string;
  column: string;
  field: FqlField;
  size: number;
  skip: number;
  minDoc: number;
  order: { by: 'count' | 'key'; dir: 'asc' | 'desc' };
  /** The request's sub_aggregates in order: the next level's terms, or a metric. */
  children: ('terms' | Metric)[];
}

type Row = Record<string, unknown>;

/** What the run gives every request: the caller's scope, the clock, the shared bucket budget. */
export interface GroupedScope {
  conds: FqlWhere[];
  now: Date;
  budget: { buckets: number };
}

/**
 * A chain of `terms` aggregations over single-valued properties, each with avg/sum/min/max
 * metrics beside it (e.g. platform > kind > avg(users)), answered from one GROUP BY over every
 * level's key instead of one query per parent bucket; buckets, order, `size`/`from`,
 * `min_doc_count` and `sum_other_doc_count` are then cut in memory exactly as the engine would.
 * A level's counts and metrics are sums of its groups' (rows without a deeper key stay grouped
 * under a NULL key there). Undefined when the request is of another shape, or would group more
 * than MAX_GROUPS rows: the engine's general path answers it (and explains any bad input).
 */
export async function groupedTerms(db: Kysely<any>, schema: FqlSchema, req: AggregateRequest, scope: GroupedScope): Promise<AggregationResult | undefined> {
  let levels: Level[] | undefined;
  let filter: FqlWhere | undefined;
  try {
    levels = plan(schema, req);
    filter = levels && compileFilter(schema, req.filter, { now: scope.now });
  } catch {
    return undefined;
  }
  if (!levels) return undefined;

  const ref = (column: string) => sql.ref(`${schema.table}.${column}`);
  const selections: AliasedRawBuilder<unknown, string>[] = levels.map((l, i) => sql`${ref(l.column)}`.as(`k${i}`));
  selections.push(sql`count(*)`.as('c'));
  levels.forEach((l, i) =>
    l.children.forEach((m, j) => {
      if (m === 'terms') return;
      const fn = m.type === 'avg' ? 'sum' : m.type;
      selections.push(sql`${sql.raw(fn)}(${ref(m.column)})`.as(`v${i}_${j}`), sql`count(${ref(m.column)})`.as(`n${i}_${j}`));
    }),
  );
  const conds = [...scope.conds, ...(filter ? [filter] : []), () => hasValueSql(ref(levels[0].column), levels[0].field)];
  const rows: Row[] = await db
    .selectFrom(schema.table)
    .select(selections)
    .where((eb) => eb.and(conds.map((c) => c(eb))))
    .groupBy(levels.map((_, i) => sql.ref(`k${i}`)))
    .limit(MAX_GROUPS + 1)
    .execute();
  if (rows.length > MAX_GROUPS) return undefined;
  for (const r of rows) levels.forEach((l, i) => (r[`k${i}`] = normalKey(l.field, r[`k${i}`])));
  return termsLevel(levels, 0, rows, scope.budget);
}

function plan(schema: FqlSchema, root: AggregateRequest): Level[] | undefined {
  const levels: Level[] = [];
  for (let req: AggregateRequest | undefined = root; req; ) {
    if (String(req.type ?? '').toLowerCase() !== 'terms' || levels.length >= MAX_LEVELS) return undefined;
    if ((levels.length && req.filter) || req.q || req.include || req.exclude || (req.missing !== undefined && req.missing !== null && req.missing !== '')) return undefined;
    if (req.max_doc_count !== undefined && req.max_doc_count !== null) return undefined;
    const field = singleValued(schema, req.field);
    if (!field) return undefined;
    const level: Level = {
      name: req.name || req.field,
      column: field.column ?? req.field,
      field,
      size: intParam(req.size, 10, 0, MAX_AGGREGATION_BUCKETS, 'size'),
      skip: intParam(req.from, 0, 0, MAX_AGGREGATION_BUCKETS, 'from'),
      minDoc: intParam(req.min_doc_count, 1, 0, Number.MAX_SAFE_INTEGER, 'min_doc_count'),
      order: termsOrder(req.sort),
      children: [],
    };
    levels.push(level);
    let next: AggregateRequest | undefined;
    for (const child of req.sub_aggregates ?? []) {
      const type = String(child.type ?? '').toLowerCase();
      if (type === 'terms' && !next) {
        next = child;
        level.children.push('terms');
        continue;
      }
      const f = singleValued(schema, child.field);
      if (!(METRICS as readonly string[]).includes(type) || !f || f.type !== 'number' || child.filter || child.q || child.sub_aggregates?.length) return undefined;
      level.children.push({ name: child.name || child.field, property: child.field, column: f.column ?? child.field, type: type as MetricType });
    }
    req = next;
  }
  return levels;
}

function singleValued(schema: FqlSchema, property: string | undefined): FqlField | undefined {
  const field = property && Object.hasOwn(schema.fields, property) ? schema.fields[property] : undefined;
  return field && !field.many ? field : undefined;
}

function hasValueSql(ref: Expression<unknown>, field: FqlField) {
  return field.type === 'string' ? sql<SqlBool>`(${ref} is not null and ${ref} <> '')` : sql<SqlBool>`(${ref} is not null)`;
}

/** As the engine's SQL: no value is NULL, and '' for strings. */
function hasValue(field: FqlField, v: unknown): boolean {
  return v !== null && v !== undefined && !(field.type === 'string' && v === '');
}

/** Keys compare as the engine's SQL orders them: numbers (and booleans) by value, text as bytes. */
function normalKey(field: FqlField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return field.type === 'number' || field.type === 'boolean' ? Number(v) : String(v);
}

function termsLevel(levels: Level[], i: number, rows: Row[], budget: { buckets: number }): AggregationResult {
  const level = levels[i];
  const groups = new Map<unknown, { rows: Row[]; count: number }>();
  let all = 0;
  for (const r of rows) {
    const k = r[`k${i}`];
    if (!hasValue(level.field, k)) continue;
    const count = Number(r.c);
    all += count;
    const g = groups.get(k);
    if (g) {
      g.rows.push(r);
      g.count += count;
    } else groups.set(k, { rows: [r], count });
  }
  const { by, dir } = level.order;
  const ranked = [...groups]
    .filter(([, g]) => g.count >= Math.max(level.minDoc, 1))
    .sort(([ka, a], [kb, b]) => (by === 'count' ? (dir === 'desc' ? b.count - a.count : a.count - b.count) || compareKeys(ka, kb) : (dir === 'desc' ? -1 : 1) * compareKeys(ka, kb)));
  const page = ranked.slice(level.skip, level.skip + level.size);
  spend(budget, page.length);
  const buckets = page.map(([k, g]): AggregationBucket => {
    const bucket: AggregationBucket = { label: termLabel(level.field, k), count: g.count };
    if (level.children.length) bucket.sub_aggregates = level.children.map((c, j) => (c === 'terms' ? termsLevel(levels, i + 1, g.rows, budget) : metric(c, i, j, g.rows, budget)));
    return bucket;
  });
  const shown = page.reduce((s, [, g]) => s + g.count, 0);
  return { name: level.name, buckets, sum_other_doc_count: Math.max(0, all - shown) };
}

function metric(m: Metric, i: number, j: number, rows: Row[], budget: { buckets: number }): AggregationResult {
  spend(budget, 1);
  let n = 0;
  let v: number | undefined;
  for (const r of rows) {
    const count = Number(r[`n${i}_${j}`]);
    if (!count) continue;
    n += count;
    const x = Number(r[`v${i}_${j}`]);
    v = v === undefined ? x : m.type === 'min' ? Math.min(v, x) : m.type === 'max' ? Math.max(v, x) : v + x;
  }
  const bucket: AggregationBucket = n === 0 || v === undefined ? { label: m.property, count: 0 } : { label: m.property, count: n, value: m.type === 'avg' ? v / n : v };
  return { name: m.name, buckets: [bucket] };
}

function spend(budget: { buckets: number }, n: number): void {
  budget.buckets += n;
  if (budget.buckets > MAX_AGGREGATION_BUCKETS) throw badRequest(`aggregation request produces more than ${MAX_AGGREGATION_BUCKETS} buckets; narrow it (size, interval, filter)`);
}
