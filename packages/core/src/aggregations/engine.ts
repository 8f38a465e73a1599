import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectAdapter } from '../db/index.ts';
import { compileFilter, parseFqlDate, type FqlField, type FqlSchema, type FqlWhere } from '../fql/index.ts';
import { badRequest } from '../util/errors.ts';
import {
  AGGREGATION_TYPES,
  MAX_AGGREGATION_BUCKETS,
  MAX_AGGREGATION_DEPTH,
  type AggregateRequest,
  type AggregationBucket,
  type AggregationResult,
  type AggregationScope,
} from './index.ts';
import { groupedTerms } from './grouped-terms.ts';
import { compareKeys, dateRanges, intParam, numberRanges, percentLabel, type RangeSpec, termLabel, termsOrder } from './request-params.ts';
import { bucketKeySql, formatInZone, keyOfMillis, keyToMillis, nextKey, parseInterval, parseTimeZone } from './time-buckets.ts';

type Eb = ExpressionBuilder<any, any>;

const DEFAULT_PERCENTS = [1, 5, 25, 50, 75, 95, 99];
/** Alias of a multi-valued property's side table in terms queries. */
const SIDE = 'agg_side';

/** What one query runs under: the schema, the accumulated conditions, and the shared budget. */
interface Context {
  schema: FqlSchema;
  conds: FqlWhere[];
  now: Date;
  depth: number;
  budget: { buckets: number };
}

/** The value of one property: a base-table column, or the side table's value column. */
interface Target {
  property: string;
  field: FqlField;
  many: boolean;
  ref: RawBuilder<unknown>;
}

/** Runs aggregation requests (see index.ts for the semantics). */
export class AggregationEngine {
  constructor(
    private readonly db: Kysely<any>,
    private readonly adapter: DialectAdapter,
    /** Chains of terms from one GROUP BY (grouped-terms.ts); off only to compare the two paths. */
    private readonly grouped = true,
  ) {}

  async run(schema: FqlSchema, requests: readonly AggregateRequest[], scope: AggregationScope = {}): Promise<AggregationResult[]> {
    const ctx: Context = { schema, conds: scope.where ? [scope.where] : [], now: scope.now ?? new Date(), depth: 0, budget: { buckets: 0 } };
    const results: AggregationResult[] = [];
    for (const request of requests) results.push((this.grouped && (await groupedTerms(this.db, schema, request, ctx))) || (await this.aggregate(request, ctx)));
    return results;
  }

  private async aggregate(req: AggregateRequest, parent: Context): Promise<AggregationResult> {
    if (parent.depth >= MAX_AGGREGATION_DEPTH) throw badRequest(`sub_aggregates nest at most ${MAX_AGGREGATION_DEPTH} levels`);
    const type = String(req.type ?? '').toLowerCase();
    if (!(AGGREGATION_TYPES as readonly string[]).includes(type)) {
      throw badRequest(`unsupported aggregation type "${req.type}"; supported: ${AGGREGATION_TYPES.join(', ')}`);
    }
    const name = req.name || req.field;
    const ctx: Context = { ...parent, depth: parent.depth + 1, conds: [...parent.conds, ...this.ownConditions(req, parent)] };
    const target = this.target(parent.schema, req.field, type);
    const isBucketType = ['terms', 'date_histogram', 'date_range', 'range'].includes(type);
    if (req.sub_aggregates?.length && !isBucketType) throw badRequest(`aggregation "${name}": a ${type} aggregation cannot have sub_aggregates`);

    let result: { buckets: (AggregationBucket & { cond?: FqlWhere })[]; sum_other_doc_count?: number };
    switch (type) {
      case 'terms': result = await this.terms(req, ctx, target); break;
      case 'date_histogram': result = { buckets: await this.dateHistogram(req, ctx, target) }; break;
      case 'date_range': result = { buckets: await this.ranges(ctx, target, dateRanges(req, ctx.now)) }; break;
      case 'range': result = { buckets: await this.ranges(ctx, target, numberRanges(req)) }; break;
      case 'percentiles': result = { buckets: await this.percentiles(req, ctx, target) }; break;
      default: result = { buckets: [await this.metric(type, ctx, target)] };
    }

    ctx.budget.buckets += result.buckets.length;
    if (ctx.budget.buckets > MAX_AGGREGATION_BUCKETS) throw badRequest(`aggregation request produces more than ${MAX_AGGREGATION_BUCKETS} buckets; narrow it (size, interval, filter)`);
    const buckets: AggregationBucket[] = [];
    for (const { cond, ...bucket } of result.buckets) {
      if (req.sub_aggregates?.length && cond) {
        const sub = { ...ctx, conds: [...ctx.conds, cond] };
        bucket.sub_aggregates = [];
        for (const child of req.sub_aggregates) bucket.sub_aggregates.push(await this.aggregate(child, sub));
      }
      buckets.push(bucket);
    }
    return { name, buckets, ...(result.sum_other_doc_count !== undefined ? { sum_other_doc_count: result.sum_other_doc_count } : {}) };
  }

  /** The aggregation's own `filter` and `q`, checked before any query runs. */
  private ownConditions(req: AggregateRequest, ctx: Context): FqlWhere[] {
    const conds: FqlWhere[] = [];
    const filter = compileFilter(ctx.schema, req.filter, { now: ctx.now });
    if (filter) conds.push(filter);
    const q = req.q?.trim();
    if (q) {
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const columns = Object.entries(ctx.schema.fields)
        .filter(([, f]) => f.type === 'string' && !f.many)
        .map(([name, f]) => f.column ?? name);
      const unique = [...new Set(columns)];
      if (!unique.length) throw badRequest('q needs a string property to search');
      conds.push((eb) => eb.or(unique.map((c) => sql<SqlBool>`lower(${sql.ref(`${ctx.schema.table}.${c}`)}) like lower(${pattern}) escape '\\'`)));
    }
    return conds;
  }

  private target(schema: FqlSchema, property: string, type: string): Target {
    if (!property) throw badRequest(`a ${type} aggregation needs a field`);
    const field = Object.hasOwn(schema.fields, property) ? schema.fields[property] : undefined;
    if (!field) throw badRequest(`unknown aggregation field "${property}"; fields are: ${Object.keys(schema.fields).sort().join(', ')}`);
    const need: Record<string, string[]> = {
      date_histogram: ['date'],
      date_range: ['date'],
      range: ['number'],
      avg: ['number'],
      sum: ['number'],
      min: ['number', 'date'],
      max: ['number', 'date'],
      percentiles: ['number', 'date'],
    };
    if (need[type] && !need[type].includes(field.type)) throw badRequest(`a ${type} aggregation needs a ${need[type].join(' or ')} field; "${property}" is a ${field.type}`);
    if (field.many && type !== 'terms' && type !== 'cardinality') throw badRequest(`"${property}" has several values per row: only terms and cardinality aggregate it`);
    const ref = field.many ? sql.ref(`${SIDE}.${field.many.valueColumn}`) : sql.ref(`${schema.table}.${field.column ?? property}`);
    return { property, field, many: !!field.many, ref };
  }

  /** Rows in scope, joined to the side table when the property is multi-valued. */
  private from(ctx: Context, target?: Target) {
    const { table, key } = ctx.schema;
    let q = this.db.selectFrom(table);
    if (target?.many) {
      const many = target.field.many!;
      q = q.innerJoin(`${many.table} as ${SIDE}`, `${SIDE}.${many.ownerColumn}`, `${table}.${key}`) as any;
    }
    return ctx.conds.length ? q.where((eb: Eb) => eb.and(ctx.conds.map((c) => c(eb)))) : q;
  }

  private hasValue(t: Target): RawBuilder<SqlBool> {
    return t.field.type === 'string' ? sql<SqlBool>`(${t.ref} is not null and ${t.ref} <> '')` : sql<SqlBool>`(${t.ref} is not null)`;
  }

  /** Rows that have a value of the property (multi-valued: at least one). */
  private valueExists(ctx: Context, t: Target): FqlWhere {
    if (!t.many) return () => this.hasValue(t);
    const many = t.field.many!;
    return () =>
      sql<SqlBool>`exists (select 1 from ${sql.table(many.table)} as ${sql.id(SIDE)} where ${sql.ref(`${SIDE}.${many.ownerColumn}`)} = ${sql.ref(`${ctx.schema.table}.${ctx.schema.key}`)} and ${this.hasValue(t)})`;
  }

  /** Text keys order as bytes on both databases. */
  private collated(t: Target, expr: RawBuilder<unknown>): RawBuilder<unknown> {
    if (t.field.type !== 'string') return expr;
    return this.adapter.byteOrder(expr);
  }

  private async terms(req: AggregateRequest, ctx: Context, t: Target) {
    const size = intParam(req.size, 10, 0, MAX_AGGREGATION_BUCKETS, 'size');
    const skip = intParam(req.from, 0, 0, MAX_AGGREGATION_BUCKETS, 'from');
    const minDoc = intParam(req.min_doc_count, 1, 0, Number.MAX_SAFE_INTEGER, 'min_doc_count');
    const maxDoc = req.max_doc_count === undefined || req.max_doc_count === null ? undefined : intParam(req.max_doc_count, 0, 0, Number.MAX_SAFE_INTEGER, 'max_doc_count');
    const order = termsOrder(req.sort);
    const patterns = this.includeExclude(req, t);

    const values = () => this.from(ctx, t).where(() => this.hasValue(t)).where((eb: Eb) => eb.and(patterns.map((p) => p(eb))));
    const inner = values().select(sql`${t.ref}`.as('k'));
    let grouped = this.db
      .selectFrom(inner.as('t'))
      .select([sql`t.k`.as('k'), sql<number>`count(*)`.as('c')])
      .groupBy(sql`t.k`)
      .having(sql`count(*)`, '>=', Math.max(minDoc, 1));
    if (maxDoc !== undefined) grouped = grouped.having(sql`count(*)`, '<=', maxDoc);
    const keyOrder = this.collated(t, sql`t.k`);
    grouped = order.by === 'count' ? grouped.orderBy(sql`count(*)`, order.dir).orderBy(keyOrder, 'asc') : grouped.orderBy(keyOrder, order.dir);
    const rows: { k: unknown; c: unknown }[] = await grouped.limit(skip + size).execute();

    const buckets: (AggregationBucket & { cond: FqlWhere; key: unknown })[] = rows.map((r) => ({
      label: termLabel(t.field, r.k),
      count: Number(r.c),
      key: r.k,
      cond: this.equals(ctx, t, r.k),
    }));
    const [{ total }] = await this.db.selectFrom(inner.as('t')).select(sql<number>`count(*)`.as('total')).execute();
    let all = Number(total);

    if (req.missing !== undefined && req.missing !== null && req.missing !== '') {
      const none: FqlWhere = (eb) => sql<SqlBool>`not (${this.valueExists(ctx, t)(eb)})`;
      const [{ n }] = await this.from(ctx).where(none).select(sql<number>`count(*)`.as('n')).execute();
      const count = Number(n);
      if (count >= Math.max(minDoc, 1) && (maxDoc === undefined || count <= maxDoc)) {
        all += count;
        buckets.push({ label: req.missing, count, key: req.missing, cond: none });
        // Place the missing bucket as SQL would have (same comparator: count, then key as bytes).
        buckets.sort((a, b) =>
          order.by === 'count' ? (order.dir === 'desc' ? b.count - a.count : a.count - b.count) || compareKeys(a.key, b.key) : (order.dir === 'desc' ? -1 : 1) * compareKeys(a.key, b.key),
        );
      }
    }
    const page = buckets.slice(skip, skip + size);
    const shown = page.reduce((s, b) => s + b.count, 0);
    return { buckets: page.map(({ key: _key, ...b }) => b), sum_other_doc_count: Math.max(0, all - shown) };
  }

  /** `include`/`exclude`: comma-separated values with `*` wildcards, case-insensitive. */
  private includeExclude(req: AggregateRequest, t: Target): FqlWhere[] {
    const conds: FqlWhere[] = [];
    for (const [what, text] of [['include', req.include], ['exclude', req.exclude]] as const) {
      const list = (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!list.length) continue;
      if (t.field.type !== 'string') throw badRequest(`${what} applies to string fields only`);
      const patterns = list.map((p) => p.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%'));
      const any = sql<SqlBool>`(${sql.join(patterns.map((p) => sql`lower(${t.ref}) like lower(${p}) escape '\\'`), sql` or `)})`;
      conds.push(() => (what === 'include' ? any : sql<SqlBool>`not ${any}`));
    }
    return conds;
  }

  /** The condition "the row's property equals this bucket's key". */
  private equals(ctx: Context, t: Target, key: unknown): FqlWhere {
    if (!t.many) return () => sql<SqlBool>`${t.ref} = ${key}`;
    const many = t.field.many!;
    return () =>
      sql<SqlBool>`exists (select 1 from ${sql.table(many.table)} as ${sql.id(SIDE)} where ${sql.ref(`${SIDE}.${many.ownerColumn}`)} = ${sql.ref(`${ctx.schema.table}.${ctx.schema.key}`)} and ${t.ref} = ${key})`;
  }

  private async dateHistogram(req: AggregateRequest, ctx: Context, t: Target) {
    const interval = parseInterval(req.interval);
    const offset = parseTimeZone(req.time_zone);
    const minDoc = intParam(req.min_doc_count, 0, 0, Number.MAX_SAFE_INTEGER, 'min_doc_count');
    const inner = this.from(ctx).where(() => this.hasValue(t)).select(bucketKeySql(this.adapter, t.ref, interval, offset).as('k'));
    const rows: { k: unknown; c: unknown }[] = await this.db
      .selectFrom(inner.as('t'))
      .select([sql`t.k`.as('k'), sql<number>`count(*)`.as('c')])
      .groupBy(sql`t.k`)
      .orderBy(sql`t.k`)
      .execute();
    const counts = new Map(rows.map((r) => [Number(r.k), Number(r.c)]));
    let keys = [...counts.keys()];
    if (minDoc === 0) {
      // Fill the gaps between the first and last bucket, widened by extended_bounds.
      const bound = (text: string | undefined) => {
        if (!text) return undefined;
        const d = parseFqlDate(text, ctx.now);
        if (!d) throw badRequest(`extended_bounds: "${text}" is not a date`);
        return keyOfMillis(Date.parse(d.kind === 'instant' ? d.iso : d.first), interval, offset);
      };
      const lo = [keys[0], bound(req.extended_bounds?.min)].filter((k): k is number => k !== undefined);
      const hi = [keys[keys.length - 1], bound(req.extended_bounds?.max)].filter((k): k is number => k !== undefined);
      if (lo.length && hi.length) {
        keys = [];
        for (let k = Math.min(...lo), end = Math.max(...hi); k <= end; k = nextKey(k, interval)) {
          keys.push(k);
          if (keys.length > MAX_AGGREGATION_BUCKETS) throw badRequest(`date_histogram would have more than ${MAX_AGGREGATION_BUCKETS} buckets; use a longer interval`);
        }
      }
    }
    const buckets = keys
      .map((k) => ({ k, count: counts.get(k) ?? 0 }))
      .filter((b) => b.count >= minDoc)
      .map(({ k, count }) => {
        const start = keyToMillis(k, interval, offset);
        const end = keyToMillis(nextKey(k, interval), interval, offset);
        const [first, next] = [new Date(start).toISOString(), new Date(end).toISOString()];
        const cond: FqlWhere = () => sql<SqlBool>`(${t.ref} >= ${first} and ${t.ref} < ${next})`;
        return { label: start, key_as_string: formatInZone(start, offset), count, cond };
      });
    const order = termsOrder(req.sort, { by: 'key', dir: 'asc' });
    if (order.by === 'count') buckets.sort((a, b) => (order.dir === 'desc' ? b.count - a.count : a.count - b.count) || a.label - b.label);
    else if (order.dir === 'desc') buckets.reverse();
    return buckets;
  }

  /** One SELECT counting every range at once; a range's condition also scopes its sub-aggregations. */
  private async ranges(ctx: Context, t: Target, ranges: RangeSpec[]) {
    if (!ranges.length) throw badRequest('a range aggregation needs at least one range');
    const conds = ranges.map((r) => {
      const parts = [
        ...(r.from !== undefined ? [sql`${t.ref} >= ${r.from}`] : []),
        ...(r.to !== undefined ? [sql`${t.ref} < ${r.to}`] : []),
      ];
      return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`(${t.ref} is not null)`;
    });
    const row: Record<string, unknown> = await this.from(ctx)
      .select(conds.map((c, i) => sql<number>`coalesce(sum(case when ${c} then 1 else 0 end), 0)`.as(`r${i}`)))
      .executeTakeFirstOrThrow();
    return ranges.map((r, i) => ({ ...r.bucket, count: Number(row[`r${i}`]), cond: (() => conds[i]) as FqlWhere }));
  }

  private async metric(type: string, ctx: Context, t: Target): Promise<AggregationBucket> {
    const base = this.from(ctx, t).where(() => this.hasValue(t));
    if (type === 'cardinality') {
      const [{ n }] = await base.select(sql<number>`count(distinct ${t.ref})`.as('n')).execute();
      return { label: t.property, count: Number(n), value: Number(n) };
    }
    // avg is sum/count in JS: the databases' own avg differ in rounding and result type.
    const fn = type === 'avg' ? 'sum' : type;
    const [row] = await base.select([sql`${sql.raw(fn)}(${t.ref})`.as('v'), sql<number>`count(*)`.as('n')]).execute();
    const n = Number(row.n);
    if (n === 0) return { label: t.property, count: 0 };
    if (t.field.type === 'date') {
      const iso = String(row.v);
      return { label: t.property, count: n, value: Date.parse(iso), value_as_string: iso };
    }
    const v = Number(row.v);
    return { label: t.property, count: n, value: type === 'avg' ? v / n : v };
  }

  /** Linear interpolation between the two ranks around p% (Elasticsearch estimates; this is exact). */
  private async percentiles(req: AggregateRequest, ctx: Context, t: Target): Promise<AggregationBucket[]> {
    const percents = req.percents?.length ? req.percents : DEFAULT_PERCENTS;
    for (const p of percents) if (typeof p !== 'number' || !(p >= 0 && p <= 100)) throw badRequest(`percents must be numbers from 0 to 100; got ${p}`);
    const base = () => this.from(ctx).where(() => this.hasValue(t));
    const [{ n: total }] = await base().select(sql<number>`count(*)`.as('n')).execute();
    const n = Number(total);
    const toNumber = (v: unknown) => (t.field.type === 'date' ? Date.parse(String(v)) : Number(v));
    const out: AggregationBucket[] = [];
    for (const p of percents) {
      if (n === 0) {
        out.push({ label: percentLabel(p), count: 0 });
        continue;
      }
      const rank = (p / 100) * (n - 1);
      const lo = Math.floor(rank);
      const rows: { v: unknown }[] = await base()
        .select(sql`${t.ref}`.as('v'))
        .orderBy(t.ref as any)
        .limit(rank > lo ? 2 : 1)
        .offset(lo)
        .execute();
      const a = toNumber(rows[0].v);
      const b = rows.length > 1 ? toNumber(rows[1].v) : a;
      const value = a + (b - a) * (rank - lo);
      out.push({ label: percentLabel(p), count: n, value, ...(t.field.type === 'date' ? { value_as_string: new Date(Math.round(value)).toISOString() } : {}) });
    }
    return out;
  }
}
