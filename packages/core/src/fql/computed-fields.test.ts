import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { offlineKysely } from '../testing/offline-kysely.ts';
import { applySort, compileFilter, type FqlSchema } from './index.ts';

/** A resource with one computed field and a refusal for a family of properties it has no data for. */
const schema: FqlSchema = {
  table: 'hosts',
  key: 'device_id',
  fields: {
    hostname: { type: 'string' },
    'policy.id': { type: 'string', caseInsensitive: false, nullable: true, expression: sql`(select p.id from policies p where p.device_id = hosts.device_id)` },
  },
  refusal: (property) => (property.startsWith('other.') ? 'there is no such data here' : undefined),
};

const db = offlineKysely('sqlite');

describe('computed FQL fields', () => {
  it('filter and sort on the expression, with values bound', () => {
    const where = compileFilter(schema, `policy.id:'abc'+hostname:'h'`)!;
    const query = applySort(db.selectFrom('hosts').select('hosts.device_id').where(where), schema, 'policy.id.desc');
    const { sql: text, parameters } = query.compile();
    expect(text).toContain('(select p.id from policies p where p.device_id = hosts.device_id) = ?');
    expect(text).toMatch(/order by \(select p\.id from policies p where p\.device_id = hosts\.device_id\) desc nulls first, "hosts"\."device_id" asc$/);
    expect(parameters).toContain('abc');
    // A negation keeps rows without a value (NULL), as for columns.
    const { sql: negated } = db.selectFrom('hosts').selectAll().where(compileFilter(schema, `policy.id:!'abc'`)!).compile();
    expect(negated).toContain('(select p.id from policies p where p.device_id = hosts.device_id) is null or not');
  });

  it('refuses properties the schema has a reason for, giving it, in filters and sorts alike', () => {
    expect(() => compileFilter(schema, `other.thing:'x'`)).toThrow('Invalid FQL filter at position 0: property "other.thing" cannot be used: there is no such data here');
    expect(() => applySort(db.selectFrom('hosts').selectAll(), schema, 'other.thing.asc')).toThrow(/property "other.thing" cannot be used: there is no such data here/);
    expect(() => compileFilter(schema, `nope:'x'`)).toThrow(/unknown property "nope"/);
  });
});
