import { Type, type TArray, type TSchema, type TString } from '@sinclair/typebox';

/** Falcon ids: 32 lowercase hex characters. */
export const FalconId = Type.String({ pattern: '^[0-9a-f]{32}$', description: '32 hex characters' });

/** An id list as query parameter: repeated `ids=` or comma-separated. */
export function IdsQuery(max: number): TArray<TString>;
export function IdsQuery<T extends TSchema>(max: number, item: T): TArray<T>;
export function IdsQuery(max: number, item: TSchema = Type.String({ minLength: 1, maxLength: 256 })): TArray<TSchema> {
  return Type.Array(item, { minItems: 1, maxItems: max });
}

export const Filter = Type.String({ maxLength: 65536, description: 'FQL filter' });
export const Sort = Type.String({ maxLength: 256, description: 'property.asc|desc or property|asc' });
export const Offset = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });
export const Limit = (max: number) => Type.Integer({ minimum: 1, maximum: max });

export const ActionParameter = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 256 }), value: Type.String({ maxLength: 65536 }) },
  { additionalProperties: false },
);

/** Standard FQL query parameters of a `queries/...` or `combined/...` list operation. */
export const listQuery = (maxLimit: number) => ({
  filter: Type.Optional(Filter),
  sort: Type.Optional(Sort),
  offset: Type.Optional(Offset),
  limit: Type.Optional(Limit(maxLimit)),
});
