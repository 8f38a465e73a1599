import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { openTestStore } from '../testing/db.ts';
import type { Store } from '../db/index.ts';
import type { FqlSchema } from '../fql/index.ts';
import { FqlError } from '../fql/index.ts';
import { ServiceError } from '../util/errors.ts';
import { AggregationEngine, type AggregateRequest, type AggregationResult } from './index.ts';

/**
 * The engine over a throwaway table on the run's database (the suite runs once on SQLite and
 * once on PostgreSQL): every expectation is a literal, so both dialects must agree exactly.
 */

const schema: FqlSchema = {
  table: 'agg_events',
  key: 'id',
  fields: {
    id: { type: 'string', caseInsensitive: false },
    user_name: { type: 'string' },
    platform: { type: 'string' },
    bytes: { type: 'number', nullable: true },
    flagged: { type: 'boolean' },
    created_at: { type: 'date' },
    tags: { type: 'string', many: { table: 'agg_event_tags', ownerColumn: 'event_id', valueColumn: 'tag' } },
  },
};

interface Row {
  id: string;
  user_name: string;
  platform: string;
  bytes: number | null;
  flagged: number;
  created_at: string;
  tags: string[];
}

// 10 events over four days of January 2024 (Mon 1st .. Thu 4th), one on Sunday 7th.
const rows: Row[] = [
  { id: 'e01', user_name: 'alice', platform: 'linux', bytes: 100, flagged: 0, created_at: '2024-01-01T00:30:00.000Z', tags: ['ssh', 'prod'] },
  { id: 'e02', user_name: 'alice', platform: 'linux', bytes: 200, flagged: 1, created_at: '2024-01-01T10:00:00.000Z', tags: ['ssh'] },
  { id: 'e03', user_name: 'bob', platform: 'windows', bytes: 300, flagged: 0, created_at: '2024-01-01T23:30:00.000Z', tags: ['rdp', 'prod'] },
  { id: 'e04', user_name: 'bob', platform: 'windows', bytes: null, flagged: 0, created_at: '2024-01-02T08:00:00.000Z', tags: [] },
  { id: 'e05', user_name: 'carol', platform: 'mac', bytes: 50, flagged: 1, created_at: '2024-01-02T09:15:00.000Z', tags: ['prod'] },
  { id: 'e06', user_name: 'alice', platform: 'windows', bytes: 1000, flagged: 0, created_at: '2024-01-04T12:00:00.000Z', tags: ['rdp'] },
  { id: 'e07', user_name: 'dave', platform: 'linux', bytes: 0, flagged: 0, created_at: '2024-01-04T12:30:00.000Z', tags: [] },
  { id: 'e08', user_name: '', platform: 'linux', bytes: 10, flagged: 0, created_at: '2024-01-04T13:00:00.000Z', tags: ['ssh'] },
  { id: 'e09', user_name: 'bob', platform: 'mac', bytes: 40, flagged: 1, created_at: '2024-01-07T22:00:00.000Z', tags: [] },
  { id: 'e10', user_name: 'Émile', platform: 'linux', bytes: 5, flagged: 0, created_at: '2024-02-15T06:00:00.000Z', tags: ['prod'] },
];

const NOW = new Date('2024-01-05T00:00:00.000Z');

describe('AggregationEngine', () => {
  let store: Store;
  let engine: AggregationEngine;
  const run = (requests: AggregateRequest[], where?: Parameters<AggregationEngine['run']>[2]) => engine.run(schema, requests, { now: NOW, ...where });
  const one = async (request: AggregateRequest): Promise<AggregationResult> => (await run([request]))[0];
  const labels = (r: AggregationResult) => r.buckets.map((b) => [b.label, b.count]);

  async function load(db: Kysely<any>, data: Row[]) {
    await db.deleteFrom('agg_event_tags').execute();
    await db.deleteFrom('agg_events').execute();
    if (!data.length) return;
    await db.insertInto('agg_events').values(data.map(({ tags: _t, ...r }) => r)).execute();
    const tags = data.flatMap((r) => r.tags.map((tag) => ({ event_id: r.id, tag })));
    if (tags.length) await db.insertInto('agg_event_tags').values(tags).execute();
  }

  beforeAll(async () => {
    store = await openTestStore();
    const db = store.db as unknown as Kysely<any>;
    await db.schema
      .createTable('agg_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint')
      .addColumn('flagged', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('agg_event_tags')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('agg_event_tags_pk', ['event_id', 'tag'])
      .execute();
    await load(db, rows);
    engine = new AggregationEngine(db, store.adapter);
  });
  afterAll(() => store.close());

  describe('terms', () => {
    it('counts values, biggest first with ties by value; rows without a value are left out', async () => {
      const r = await one({ name: 'users', field: 'user_name', type: 'terms' });
      expect(r.name).toBe('users');
      expect(labels(r)).toEqual([['alice', 3], ['bob', 3], ['carol', 1], ['dave', 1], ['Émile', 1]]);
      expect(r.sum_other_doc_count).toBe(0);
    });

    it('pages with size/from and reports the rest as sum_other_doc_count', async () => {
      const r = await one({ name: 'u', field: 'user_name', type: 'terms', size: 2, from: 1 });
      expect(labels(r)).toEqual([['bob', 3], ['carol', 1]]);
      expect(r.sum_other_doc_count).toBe(5);
    });

    it('sorts by term as bytes on both databases, and by count ascending', async () => {
      expect(labels(await one({ field: 'user_name', type: 'terms', sort: '_term|desc' }))).toEqual([['Émile', 1], ['dave', 1], ['carol', 1], ['bob', 3], ['alice', 3]]);
      expect(labels(await one({ field: 'platform', type: 'terms', sort: '_count.asc' }))).toEqual([['mac', 2], ['windows', 3], ['linux', 5]]);
    });

    it('applies min_doc_count, max_doc_count, missing, include and exclude', async () => {
      expect(labels(await one({ field: 'user_name', type: 'terms', min_doc_count: 2 }))).toEqual([['alice', 3], ['bob', 3]]);
      expect(labels(await one({ field: 'user_name', type: 'terms', max_doc_count: 1 }))).toEqual([['carol', 1], ['dave', 1], ['Émile', 1]]);
      expect(labels(await one({ field: 'user_name', type: 'terms', missing: '(none)', sort: '_term|asc' }))).toEqual([
        ['(none)', 1], ['alice', 3], ['bob', 3], ['carol', 1], ['dave', 1], ['Émile', 1],
      ]);
      expect(labels(await one({ field: 'user_name', type: 'terms', include: 'A*,carol' }))).toEqual([['alice', 3], ['carol', 1]]);
      expect(labels(await one({ field: 'user_name', type: 'terms', exclude: 'b*, d*' }))).toEqual([['alice', 3], ['carol', 1], ['Émile', 1]]);
    });

    it('labels numbers and booleans by type; counts multi-valued properties per value', async () => {
      expect(labels(await one({ field: 'flagged', type: 'terms' }))).toEqual([[false, 7], [true, 3]]);
      expect(labels(await one({ field: 'bytes', type: 'terms', size: 2, sort: '_term|desc' }))).toEqual([[1000, 1], [300, 1]]);
      const tags = await one({ field: 'tags', type: 'terms', missing: 'untagged' });
      expect(labels(tags)).toEqual([['prod', 4], ['ssh', 3], ['untagged', 3], ['rdp', 2]]);
    });
  });

  describe('date_histogram', () => {
    it('buckets by day, filling empty days between the first and last', async () => {
      const r = await one({ name: 'per_day', field: 'created_at', type: 'date_histogram', interval: 'day', filter: "created_at:<'2024-02-01'" });
      expect(r.buckets.map((b) => [b.key_as_string, b.count])).toEqual([
        ['2024-01-01T00:00:00.000Z', 3],
        ['2024-01-02T00:00:00.000Z', 2],
        ['2024-01-03T00:00:00.000Z', 0],
        ['2024-01-04T00:00:00.000Z', 3],
        ['2024-01-05T00:00:00.000Z', 0],
        ['2024-01-06T00:00:00.000Z', 0],
        ['2024-01-07T00:00:00.000Z', 1],
      ]);
      expect(r.buckets[0].label).toBe(Date.parse('2024-01-01T00:00:00Z'));
    });

    it('honours a fixed time zone offset (buckets start at local midnight)', async () => {
      const r = await one({ field: 'created_at', type: 'date_histogram', interval: '1d', time_zone: '+02:00', min_doc_count: 1, filter: "created_at:<'2024-01-03'" });
      expect(r.buckets.map((b) => [b.key_as_string, b.count])).toEqual([
        ['2024-01-01T00:00:00.000+02:00', 2],
        ['2024-01-02T00:00:00.000+02:00', 3],
      ]);
      const west = await one({ field: 'created_at', type: 'date_histogram', interval: 'day', time_zone: '-05:00', min_doc_count: 1, filter: "created_at:<'2024-01-02'" });
      expect(west.buckets.map((b) => [b.key_as_string, b.count])).toEqual([
        ['2023-12-31T00:00:00.000-05:00', 1],
        ['2024-01-01T00:00:00.000-05:00', 2],
      ]);
    });

    it('buckets by Monday-based week, month, quarter, year and hour', async () => {
      const key = async (interval: string, extra: Partial<AggregateRequest> = {}) =>
        (await one({ field: 'created_at', type: 'date_histogram', interval, min_doc_count: 1, ...extra })).buckets.map((b) => [b.key_as_string, b.count]);
      expect(await key('week')).toEqual([['2024-01-01T00:00:00.000Z', 9], ['2024-02-12T00:00:00.000Z', 1]]);
      expect(await key('month')).toEqual([['2024-01-01T00:00:00.000Z', 9], ['2024-02-01T00:00:00.000Z', 1]]);
      expect(await key('quarter')).toEqual([['2024-01-01T00:00:00.000Z', 10]]);
      expect(await key('year', { time_zone: '+14:00' })).toEqual([['2024-01-01T00:00:00.000+14:00', 10]]);
      expect(await key('hour', { filter: "created_at:'2024-01-04'" })).toEqual([['2024-01-04T12:00:00.000Z', 2], ['2024-01-04T13:00:00.000Z', 1]]);
      // Months are calendar months in the zone: Feb 1 00:30 at +01:00 is still January in UTC.
      const month = await one({ field: 'created_at', type: 'date_histogram', interval: 'M', time_zone: '+01:00', min_doc_count: 0, extended_bounds: { min: '2023-12-15', max: '2024-03-01' } });
      expect(month.buckets.map((b) => [b.key_as_string, b.count])).toEqual([
        ['2023-12-01T00:00:00.000+01:00', 0],
        ['2024-01-01T00:00:00.000+01:00', 9],
        ['2024-02-01T00:00:00.000+01:00', 1],
        ['2024-03-01T00:00:00.000+01:00', 0],
      ]);
    });

    it('sorts by count when asked', async () => {
      const r = await one({ field: 'created_at', type: 'date_histogram', interval: 'day', min_doc_count: 1, sort: '_count|desc', filter: "created_at:<'2024-02-01'" });
      expect(r.buckets.map((b) => b.count)).toEqual([3, 3, 2, 1]);
      expect(r.buckets[0].key_as_string).toBe('2024-01-01T00:00:00.000Z');
    });
  });

  describe('ranges', () => {
    it('counts date ranges with relative dates; from inclusive, to exclusive', async () => {
      const r = await one({
        field: 'created_at',
        type: 'date_range',
        date_ranges: [{ to: '2024-01-02' }, { from: '2024-01-02', to: 'now' }, { from: 'now' }],
      });
      expect(r.buckets.map((b) => [b.label, b.count])).toEqual([
        ['*-2024-01-02T00:00:00.000Z', 3],
        ['2024-01-02T00:00:00.000Z-2024-01-05T00:00:00.000Z', 5],
        ['2024-01-05T00:00:00.000Z-*', 2],
      ]);
      expect(r.buckets[1]).toMatchObject({ from: Date.parse('2024-01-02T00:00:00Z'), string_to: '2024-01-05T00:00:00.000Z' });
    });

    it('counts numeric ranges, accepting the SDK\'s capitalised From/To', async () => {
      const r = await one({ field: 'bytes', type: 'range', ranges: [{ to: 50 }, { From: 50, To: 300 }, { from: 300 }] as any });
      expect(r.buckets.map((b) => [b.label, b.count])).toEqual([['*-50', 4], ['50-300', 3], ['300-*', 2]]);
    });
  });

  describe('metrics', () => {
    it('computes cardinality, min, max, avg and sum (dates as epoch ms plus text)', async () => {
      const [card, min, max, avg, sum, first] = await run([
        { name: 'card', field: 'user_name', type: 'cardinality' },
        { name: 'min', field: 'bytes', type: 'min' },
        { name: 'max', field: 'bytes', type: 'max' },
        { name: 'avg', field: 'bytes', type: 'avg' },
        { name: 'sum', field: 'bytes', type: 'sum' },
        { name: 'first', field: 'created_at', type: 'min' },
      ]);
      expect(card.buckets).toEqual([{ label: 'user_name', count: 5, value: 5 }]);
      expect(min.buckets[0]).toMatchObject({ value: 0, count: 9 });
      expect(max.buckets[0].value).toBe(1000);
      expect(sum.buckets[0].value).toBe(1705);
      expect(avg.buckets[0].value).toBeCloseTo(1705 / 9, 12);
      expect(first.buckets[0]).toMatchObject({ value: Date.parse('2024-01-01T00:30:00Z'), value_as_string: '2024-01-01T00:30:00.000Z' });
      const tags = await one({ field: 'tags', type: 'cardinality' });
      expect(tags.buckets[0].value).toBe(3);
      const none = await one({ field: 'bytes', type: 'avg', filter: "user_name:'nobody'" });
      expect(none.buckets).toEqual([{ label: 'bytes', count: 0 }]);
    });

    it('computes percentiles by linear interpolation between ranks', async () => {
      // bytes sorted: 0 5 10 40 50 100 200 300 1000
      const r = await one({ field: 'bytes', type: 'percentiles', percents: [0, 25, 50, 90, 100] });
      expect(r.buckets.map((b) => b.label)).toEqual(['0.0', '25.0', '50.0', '90.0', '100.0']);
      const expected = [0, 10, 50, 440, 1000];
      r.buckets.forEach((b, i) => expect(b.value).toBeCloseTo(expected[i], 9));
      expect(r.buckets[0].count).toBe(9);
    });
  });

  describe('nesting and scope', () => {
    it('nests sub_aggregates under every bucket kind, each within its parent bucket', async () => {
      const [r] = await run([
        {
          name: 'platforms',
          field: 'platform',
          type: 'terms',
          sort: '_term|asc',
          sub_aggregates: [
            { name: 'users', field: 'user_name', type: 'cardinality' },
            { name: 'days', field: 'created_at', type: 'date_histogram', interval: 'day', min_doc_count: 1, sub_aggregates: [{ name: 'bytes', field: 'bytes', type: 'sum' }] },
          ],
        },
      ]);
      expect(r.buckets.map((b) => [b.label, b.count, b.sub_aggregates![0].buckets[0].value])).toEqual([['linux', 5, 3], ['mac', 2, 2], ['windows', 3, 2]]);
      const windowsDays = r.buckets[2].sub_aggregates![1];
      expect(windowsDays.buckets.map((b) => [b.key_as_string, b.count, b.sub_aggregates![0].buckets[0].value])).toEqual([
        ['2024-01-01T00:00:00.000Z', 1, 300],
        ['2024-01-02T00:00:00.000Z', 1, undefined],
        ['2024-01-04T00:00:00.000Z', 1, 1000],
      ]);
      const byTag = await one({ field: 'tags', type: 'terms', missing: 'none', sub_aggregates: [{ name: 'p', field: 'platform', type: 'terms' }] });
      expect(byTag.buckets.map((b) => [b.label, labels(b.sub_aggregates![0])])).toEqual([
        ['prod', [['linux', 2], ['mac', 1], ['windows', 1]]],
        ['none', [['linux', 1], ['mac', 1], ['windows', 1]]],
        ['ssh', [['linux', 3]]],
        ['rdp', [['windows', 2]]],
      ]);
      const ranged = await one({ field: 'bytes', type: 'range', ranges: [{ from: 100 }], sub_aggregates: [{ name: 'u', field: 'user_name', type: 'terms' }] });
      expect(labels(ranged.buckets[0].sub_aggregates![0])).toEqual([['alice', 3], ['bob', 1]]);
    });

    it('applies the caller scope, the filter and q', async () => {
      const scoped = await run([{ field: 'platform', type: 'terms' }], { where: (eb) => eb('agg_events.flagged', '=', 1) });
      expect(labels(scoped[0])).toEqual([['mac', 2], ['linux', 1]]);
      expect(labels(await one({ field: 'platform', type: 'terms', filter: "tags:'prod'" }))).toEqual([['linux', 2], ['mac', 1], ['windows', 1]]);
      expect(labels(await one({ field: 'user_name', type: 'terms', q: 'WIN' }))).toEqual([['bob', 2], ['alice', 1]]);
      expect(labels(await one({ field: 'user_name', type: 'terms', q: '%' }))).toEqual([]);
    });
  });

  describe('bad requests', () => {
    it.each<[string, AggregateRequest]>([
      ['unknown type', { field: 'platform', type: 'histogram' }],
      ['unknown field', { field: 'nope', type: 'terms' }],
      ['histogram of a string', { field: 'platform', type: 'date_histogram', interval: 'day' }],
      ['sum of a date', { field: 'created_at', type: 'sum' }],
      ['bad interval', { field: 'created_at', type: 'date_histogram', interval: 'fortnight' }],
      ['zone with daylight saving', { field: 'created_at', type: 'date_histogram', interval: 'day', time_zone: 'Europe/Paris' }],
      ['bad sort', { field: 'platform', type: 'terms', sort: 'bytes|asc' }],
      ['size too big', { field: 'platform', type: 'terms', size: 100_000 }],
      ['sub-aggregates under a metric', { field: 'bytes', type: 'sum', sub_aggregates: [{ field: 'platform', type: 'terms' }] }],
      ['percent out of range', { field: 'bytes', type: 'percentiles', percents: [101] }],
      ['range without ranges', { field: 'bytes', type: 'range' }],
      ['bad date range', { field: 'created_at', type: 'date_range', date_ranges: [{ from: 'yesterday' }] }],
      ['include on a number', { field: 'bytes', type: 'terms', include: '1*' }],
      ['histogram over a side table', { field: 'tags', type: 'min' }],
    ])('%s → 400', async (_what, request) => {
      const err = await one(request).catch((e) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect(err.status).toBe(400);
    });

    it('reports bad filters as FQL errors and refuses deep nesting', async () => {
      await expect(one({ field: 'platform', type: 'terms', filter: "platform:'x" })).rejects.toBeInstanceOf(FqlError);
      let deep: AggregateRequest = { field: 'platform', type: 'terms' };
      for (let i = 0; i < 5; i++) deep = { field: 'platform', type: 'terms', sub_aggregates: [deep] };
      await expect(one(deep)).rejects.toMatchObject({ status: 400 });
    });
  });

  it('agrees with a straightforward in-memory computation on random data', async () => {
    const db = store.db as unknown as Kysely<any>;
    const user = fc.constantFrom('alice', 'bob', 'carol', 'dave', '');
    const arbRow = fc.record({ user_name: user, bytes: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }), day: fc.integer({ min: 0, max: 20 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(arbRow, { maxLength: 30 }), async (data) => {
        await load(
          db,
          data.map((d, i) => ({
            id: `r${String(i).padStart(3, '0')}`,
            user_name: d.user_name,
            platform: 'linux',
            bytes: d.bytes,
            flagged: 0,
            created_at: new Date(Date.UTC(2024, 0, 1 + d.day, 12)).toISOString(),
            tags: [],
          })),
        );
        const [terms, sum, days] = await run([
          { name: 't', field: 'user_name', type: 'terms', size: 100 },
          { name: 's', field: 'bytes', type: 'sum' },
          { name: 'd', field: 'created_at', type: 'date_histogram', interval: 'day', min_doc_count: 1 },
        ]);
        const counts = new Map<string, number>();
        for (const d of data) if (d.user_name) counts.set(d.user_name, (counts.get(d.user_name) ?? 0) + 1);
        const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        expect(labels(terms)).toEqual(expected);
        const withBytes = data.filter((d) => d.bytes !== null);
        expect(sum.buckets[0].count).toBe(withBytes.length);
        if (withBytes.length) expect(sum.buckets[0].value).toBe(withBytes.reduce((s, d) => s + d.bytes!, 0));
        expect(days.buckets.reduce((s, b) => s + b.count, 0)).toBe(data.length);
        expect(days.buckets.length).toBe(new Set(data.map((d) => d.day)).size);
      }),
      { numRuns: 15 },
    );
    await load(db, rows);
  });
});

