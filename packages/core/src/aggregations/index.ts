/**
 * Falcon aggregation queries (`msa.AggregateQueryRequest` bodies of the `.../aggregates/...`
 * endpoints) over any table an FqlSchema describes, computed in SQL with bound values so that
 * SQLite and PostgreSQL give identical answers.
 *
 * Semantics (Elasticsearch's, which the vendor's API follows, narrowed to what SQL does exactly):
 *
 * - Scope: every aggregation counts the rows of `schema.table` that pass the caller's scope
 *   (`AggregationScope.where`: visibility, tenancy), the aggregation's own FQL `filter`, its `q`
 *   (case-insensitive substring over every single-valued string property) and, for a
 *   sub-aggregation, the bucket it belongs to.
 * - "No value" means NULL, or '' for strings (as in FQL).
 * - `terms`: one bucket per distinct value (`label` = the value: string, number, boolean, or the
 *   ISO text of a date), `count` = rows. Multi-valued properties (side tables, e.g. tags) count a
 *   row once per distinct value. `size` (default 10, ≤ 10,000) buckets after skipping `from`;
 *   `sort` `_count|desc` (default; ties by value ascending), `_count|asc`, `_term|asc|desc`
 *   (alias `_key`; `.` or `|` separate the direction); values compare as bytes (PostgreSQL uses the
 *   "C" collation so it orders like SQLite). `min_doc_count` (default 1) and `max_doc_count`
 *   bound bucket counts. `missing`: rows without a value form a bucket with that label (otherwise
 *   they are not counted). `include`/`exclude`: comma-separated values, `*` matching any run of
 *   characters, case-insensitive (Elasticsearch regular expressions are not supported).
 *   `sum_other_doc_count` = the counts of every bucket not returned.
 * - `date_histogram` (date properties): `interval` second|minute|hour|day|week (Monday-based)|
 *   month|quarter|year (also `1d`, `h`, `1M`…); buckets start at interval boundaries of the
 *   `time_zone` (UTC, or a fixed offset `+02:00`); `label` = bucket start in epoch milliseconds,
 *   `key_as_string` = the start as ISO 8601 in that zone. Sorted by start (`_count|desc` to sort
 *   by count). `min_doc_count` defaults to 0: empty buckets between the first and last (widened by
 *   `extended_bounds`) are filled in. `size` is ignored (as Elasticsearch does).
 * - `date_range` (`date_ranges: [{from, to}]`, FQL dates such as `now-7d`) and `range` (`ranges:
 *   [{from, to}]`, also the SDK's `From`/`To`): `from` inclusive, `to` exclusive, either may be
 *   absent; one bucket per range in request order, `label` = `from-to` (`*` for an open end).
 * - Metrics give one bucket `{label: field, count, value}`: `count` = rows with a value (for
 *   `cardinality`, the number of distinct values, as is `value`); `min`/`max`/`avg`/`sum`
 *   (`min`/`max` of a date: epoch ms plus `value_as_string`); `percentiles` gives one bucket per
 *   entry of `percents` (default 1,5,25,50,75,95,99) with linear interpolation between ranks.
 * - `sub_aggregates` nest under bucket aggregations (not metrics), up to 5 levels; at most
 *   10,000 buckets per request in all.
 *
 * Bad requests (unknown property or type, wrong property type, bad interval/zone/filter) throw
 * ServiceError/FqlError with status 400.
 */
import type { FqlWhere } from '../fql/index.ts';

export interface AggregateRange {
  from?: number | null;
  to?: number | null;
  /** The vendor's SDK serialises range bounds capitalised. */
  From?: number | null;
  To?: number | null;
}

export interface AggregateDateRange {
  from?: string | null;
  to?: string | null;
}

/** One `msa.AggregateQueryRequest`. */
export interface AggregateRequest {
  name?: string;
  field: string;
  type: string;
  size?: number;
  from?: number;
  sort?: string;
  filter?: string;
  q?: string;
  interval?: string;
  time_zone?: string;
  min_doc_count?: number;
  max_doc_count?: number;
  missing?: string;
  include?: string;
  exclude?: string;
  ranges?: AggregateRange[];
  date_ranges?: AggregateDateRange[];
  percents?: number[];
  extended_bounds?: { min?: string; max?: string };
  sub_aggregates?: AggregateRequest[];
}

export interface AggregationBucket {
  label: string | number | boolean;
  count: number;
  value?: number;
  value_as_string?: string;
  key_as_string?: string;
  from?: number;
  to?: number;
  string_from?: string;
  string_to?: string;
  sub_aggregates?: AggregationResult[];
}

/** One `msa.AggregationResult`. */
export interface AggregationResult {
  name: string;
  buckets: AggregationBucket[];
  sum_other_doc_count?: number;
}

export interface AggregationScope {
  /** Rows the caller may aggregate at all (ANDed into every query). */
  where?: FqlWhere;
  /** The instant relative dates count from (default: now). */
  now?: Date;
}

export const AGGREGATION_TYPES = ['terms', 'date_histogram', 'date_range', 'range', 'cardinality', 'min', 'max', 'avg', 'sum', 'percentiles'] as const;
export const MAX_AGGREGATION_BUCKETS = 10_000;
export const MAX_AGGREGATION_DEPTH = 5;

export { AggregationEngine } from './engine.ts';
