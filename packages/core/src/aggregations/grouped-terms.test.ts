import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { openTestStore } from '../testing/db.ts';
import type { Store } from '../db/index.ts';
import type { FqlSchema } from '../fql/index.ts';
import { AggregationEngine, type AggregateRequest } from './index.ts';

/**
 * Chains of terms answered from one GROUP BY (grouped-terms.ts) must give exactly what the
 * engine's bucket-by-bucket path gives: random rows (NULLs and '' included) and random chains,
 * both paths, on the run's database (SQLite, then PostgreSQL under scripts/test.js).
 */
const schema: FqlSchema = {
  table: 'agg_grouped',
  key: 'id',
  fields: {
    id: { type: 'string', caseInsensitive: false },
    platform: { type: 'string' },
    kind: { type: 'string' },
    hits: { type: 'number', nullable: true },
    size: { type: 'number' },
    online: { type: 'boolean' },
    tags: { type: 'string', many: { table: 'agg_grouped_tags', ownerColumn: 'id', valueColumn: 'tag' } },
  },
};

describe('grouped terms', () => {
  let store: Store;
  let db: Kysely<any>;
  let grouped: AggregationEngine;
  let general: AggregationEngine;
  let queries = 0;

  beforeAll(async () => {
    store = await openTestStore();
    db = store.db as unknown as Kysely<any>;
    await db.schema
      .createTable('agg_grouped')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('platform', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('hits', 'bigint')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('online', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createTable('agg_grouped_tags').addColumn('id', 'text').addColumn('tag', 'text').execute();
    const counting = db.withPlugin({ transformQuery: (a) => (queries++, a.node), transformResult: async (a) => a.result });
    grouped = new AggregationEngine(counting, store.adapter);
    general = new AggregationEngine(db, store.adapter, false);
  });
  afterAll(() => store.close());

  const row = fc.record({
    platform: fc.constantFrom('Windows', 'Linux', 'Mac', '', null, 'Émile'),
    kind: fc.constantFrom('DC', 'LOCAL', ''),
    hits: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
    size: fc.integer({ min: -5, max: 5 }),
    online: fc.constantFrom(0, 1),
  });
  const terms = fc.record(
    {
      field: fc.constantFrom('platform', 'kind', 'size', 'online'),
      size: fc.integer({ min: 0, max: 4 }),
      from: fc.integer({ min: 0, max: 2 }),
      min_doc_count: fc.integer({ min: 0, max: 3 }),
      sort: fc.constantFrom('_count|desc', '_count|asc', '_term|asc', '_term|desc'),
    },
    { requiredKeys: ['field'] },
  );
  const metric = fc.record({ type: fc.constantFrom('avg', 'sum', 'min', 'max'), field: fc.constantFrom('hits', 'size') });
  const chain = fc.tuple(fc.array(terms, { minLength: 1, maxLength: 3 }), fc.array(fc.array(metric, { maxLength: 2 }), { minLength: 3, maxLength: 3 })).map(([levels, metrics]) => {
    let req: AggregateRequest | undefined;
    for (let i = levels.length - 1; i >= 0; i--) {
      const subs: AggregateRequest[] = [...metrics[i].map((m, j) => ({ name: `m${i}${j}`, ...m })), ...(req ? [req] : [])];
      req = { name: `t${i}`, type: 'terms', ...levels[i], ...(subs.length ? { sub_aggregates: subs } : {}) };
    }
    return req!;
  });

  it('gives what the general path gives, from one query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), chain, fc.constantFrom(undefined, 'online:true', "kind:'DC'"), async (rows, req, filter) => {
        await db.deleteFrom('agg_grouped').execute();
        if (rows.length) await db.insertInto('agg_grouped').values(rows.map((r, i) => ({ id: `r${i}`, ...r }))).execute();
        const request = filter ? { ...req, filter } : req;
        queries = 0;
        const fast = await grouped.run(schema, [request]);
        expect(queries).toBe(1);
        expect(fast).toEqual(await general.run(schema, [request]));
      }),
      { numRuns: 60 },
    );
  });

  it('leaves other shapes to the general path, and refuses what it refuses', async () => {
    const other: AggregateRequest[] = [
      { name: 't', field: 'tags', type: 'terms' },
      { name: 't', field: 'platform', type: 'terms', missing: 'none' },
      { name: 't', field: 'platform', type: 'terms', sub_aggregates: [{ name: 'c', field: 'kind', type: 'cardinality' }] },
      { name: 't', field: 'platform', type: 'terms', sub_aggregates: [{ name: 'k', field: 'kind', type: 'terms', filter: 'online:true' }] },
    ];
    for (const request of other) expect(await grouped.run(schema, [request])).toEqual(await general.run(schema, [request]));
    await expect(grouped.run(schema, [{ name: 't', field: 'nope', type: 'terms' }])).rejects.toThrow(/unknown aggregation field/);
    await expect(grouped.run(schema, [{ name: 't', field: 'platform', type: 'terms', size: -1 }])).rejects.toThrow(/size must be/);
  });
});
