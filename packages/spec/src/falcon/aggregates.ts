import { Type, type Static } from '@sinclair/typebox';

/**
 * The body of Falcon `.../aggregates/...` operations: a list of `msa.AggregateQueryRequest`.
 * Shared by every collection that aggregates (RTR sessions, identity, ...); the core's
 * AggregationEngine gives the semantics. Fields the vendor's SDK always serialises are accepted
 * even where riposte has no use for them (`filters_spec`).
 */

const Bound = Type.Optional(Type.Union([Type.Number(), Type.Null()]));
const DateBound = Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()]));

export const AggregateQueryRequest = Type.Recursive(
  (Self) =>
    Type.Object(
      {
        name: Type.Optional(Type.String({ maxLength: 256 })),
        field: Type.String({ maxLength: 256 }),
        type: Type.String({ maxLength: 64 }),
        size: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
        from: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
        sort: Type.Optional(Type.String({ maxLength: 256 })),
        filter: Type.Optional(Type.String({ maxLength: 65536 })),
        q: Type.Optional(Type.String({ maxLength: 1024 })),
        interval: Type.Optional(Type.String({ maxLength: 32 })),
        time_zone: Type.Optional(Type.String({ maxLength: 64 })),
        min_doc_count: Type.Optional(Type.Integer({ minimum: 0 })),
        max_doc_count: Type.Optional(Type.Integer({ minimum: 0 })),
        missing: Type.Optional(Type.String({ maxLength: 1024 })),
        include: Type.Optional(Type.String({ maxLength: 4096 })),
        exclude: Type.Optional(Type.String({ maxLength: 4096 })),
        // The SDK writes range bounds as `From`/`To`.
        ranges: Type.Optional(
          Type.Array(Type.Object({ from: Bound, to: Bound, From: Bound, To: Bound }, { additionalProperties: false }), { maxItems: 100 }),
        ),
        date_ranges: Type.Optional(Type.Array(Type.Object({ from: DateBound, to: DateBound }, { additionalProperties: false }), { maxItems: 100 })),
        percents: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { maxItems: 100 })),
        extended_bounds: Type.Optional(Type.Object({ min: Type.Optional(Type.String({ maxLength: 64 })), max: Type.Optional(Type.String({ maxLength: 64 })) })),
        filters_spec: Type.Optional(Type.Unknown()),
        sub_aggregates: Type.Optional(Type.Array(Self, { maxItems: 20 })),
      },
      { additionalProperties: false },
    ),
  { $id: 'AggregateQueryRequest' },
);

export const AggregateQueryBody = Type.Array(AggregateQueryRequest, { minItems: 1, maxItems: 20 });
export type AggregateQueryBodyType = Static<typeof AggregateQueryBody>;

/** One `msa.AggregationResult` (documentation of `resources`). */
export const AggregationResultSchema = Type.Object({
  name: Type.String(),
  buckets: Type.Array(
    Type.Object(
      {
        label: Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
        count: Type.Integer(),
        value: Type.Optional(Type.Number()),
        value_as_string: Type.Optional(Type.String()),
        key_as_string: Type.Optional(Type.String()),
        sub_aggregates: Type.Optional(Type.Array(Type.Unknown())),
      },
      { additionalProperties: true },
    ),
  ),
  sum_other_doc_count: Type.Optional(Type.Integer()),
});
