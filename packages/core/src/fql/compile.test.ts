import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Store } from '../db/index.ts';
import { openTestStore } from '../testing/db.ts';
import { offlineKysely as offline } from '../testing/offline-kysely.ts';
import { applySort, compileFilter, compileSort, FqlError, type FqlSchema } from './index.ts';

/** The hosts resource roughly as the API layer will declare it. */
const hosts: FqlSchema = {
  table: 'hosts',
  key: 'device_id',
  fields: {
    device_id: { type: 'string', caseInsensitive: false },
    hostname: { type: 'string' },
    platform_name: { type: 'string' },
    cb_device_id: { type: 'number' },
    online: { type: 'boolean' },
    last_seen: { type: 'date', nullable: true },
    last_login_timestamp: { type: 'date', nullable: true },
    first_seen: { type: 'date', sortable: false },
    os: { type: 'string', column: 'os_version' },
    tags: { type: 'string', many: { table: 'host_tags', ownerColumn: 'device_id', valueColumn: 'tag' } },
  },
};

const now = new Date('2024-01-03T12:00:00.000Z');

function compileError(filter: string, schema = hosts): FqlError {
  try {
    compileFilter(schema, filter, { now });
  } catch (err) {
    expect(err).toBeInstanceOf(FqlError);
    return err as FqlError;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe('compileFilter checks', () => {
  it('treats an absent or blank filter as no filter', () => {
    expect(compileFilter(hosts, undefined)).toBeUndefined();
    expect(compileFilter(hosts, '')).toBeUndefined();
    expect(compileFilter(hosts, ' \t\n')).toBeUndefined();
  });

  it('names the allowed properties for an unknown one', () => {
    const err = compileError(`hostname:'a'+nope:1`);
    expect(err.message).toBe(
      'Invalid FQL filter at position 13: unknown property "nope"; filterable properties are: ' +
        'cb_device_id, device_id, first_seen, hostname, last_login_timestamp, last_seen, online, os, platform_name, tags',
    );
    expect(err.position).toBe(13);
    expect(err.expected).toContain('hostname');
    expect(compileError(`constructor:1`).message).toMatch(/unknown property "constructor"/);
  });

  it('cuts a long list of allowed properties', () => {
    const fields = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${String(i).padStart(2, '0')}`, { type: 'string' as const }]));
    const err = compileError('nope:1', { table: 't', key: 'f00', fields });
    expect(err.message).toMatch(/f24, … \(35 more\)$/);
    expect(err.expected).toHaveLength(60);
  });

  it.each([
    [`online:~'x'`, 'property "online" is a boolean and does not support the ":~" operator; use ":" or ":!"'],
    [`cb_device_id:*'1*'`, 'property "cb_device_id" is a number and does not support the ":*" operator; use ":", ":!", ":>", ":>=", ":<" or ":<="'],
    [`last_seen:!~'2024'`, 'property "last_seen" is a date and does not support the ":!~" operator'],
    [`online:>true`, 'property "online" is a boolean and does not support the ":>" operator'],
    [`cb_device_id:'abc'`, `property "cb_device_id" expects a number, got 'abc'`],
    [`cb_device_id:true`, 'property "cb_device_id" expects a number, got true'],
    [`cb_device_id:[1,'x']`, `property "cb_device_id" expects a number, got 'x'`],
    [`online:1`, 'property "online" expects true or false, got 1'],
    [`online:'yes'`, `property "online" expects true or false, got 'yes'`],
    [`last_seen:>'yesterday'`, `property "last_seen" expects a date such as '2024-01-02', '2024-01-02T03:04:05Z' or 'now-1d', got 'yesterday'`],
    [`last_seen:>'2024-02-30'`, `got '2024-02-30'`],
    [`last_seen:>5`, 'got 5'],
    [`last_seen:>[1,2]`, 'the ":>" operator of property "last_seen" takes a single value, not a list'],
    [`hostname:~null`, 'property "hostname": null can only be used with ":" or ":!"'],
    [`hostname:>[null]`, 'takes a single value, not a list'],
    [`hostname:'${'x'.repeat(100)}'+cb_device_id:'${'y'.repeat(100)}'`, `got '${'y'.repeat(56)}…`],
  ])('rejects %s', (filter, message) => {
    expect(compileError(filter).message).toContain(message);
  });

  it('allows at most 20 properties', () => {
    const clause = (i: number) => `hostname:'h${i}'`;
    expect(compileFilter(hosts, Array.from({ length: 20 }, (_, i) => clause(i)).join('+'))).toBeDefined();
    const filter = Array.from({ length: 21 }, (_, i) => clause(i)).join(',');
    const err = compileError(filter);
    expect(err.message).toMatch(/too many properties: a filter may have at most 20, this one has 21/);
    expect(err.position).toBe(filter.lastIndexOf('hostname'));
  });

  it('bounds the number of values', () => {
    const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
    expect(compileFilter(hosts, `cb_device_id:${list(5000)}`)).toBeDefined();
    expect(compileError(`cb_device_id:${list(2500)}+cb_device_id:!${list(2501)}`).message).toMatch(/too many values/);
  });

  it('accepts typed values written as strings and the reverse', () => {
    for (const f of [`cb_device_id:'12'`, `online:'TRUE'`, `hostname:12`, `hostname:true`, `last_seen:now-1d`, `last_seen:2024-01-02`]) {
      expect(compileFilter(hosts, f, { now }), f).toBeDefined();
    }
  });
});

describe('compileFilter SQL', () => {
  const nasty = [`'); drop table hosts;--`, `%`, `_`, `\\`, `" or 1=1 --`, `$1`, `?`];

  it.each(['sqlite', 'postgres'] as const)('binds every value as a parameter (%s)', (dialect) => {
    const db = offline(dialect);
    for (const value of nasty) {
      const quoted = `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
      for (const op of [':', ':!', ':~', ':*', ':>']) {
        const where = compileFilter(hosts, `hostname${op}${quoted}+tags${op}${quoted}`)!;
        const { sql, parameters } = db.selectFrom('hosts').selectAll().where(where).compile();
        // The only string literals in the SQL are the constant '' and the escape character.
        expect(sql.replace(/escape '\\'/g, '').replace(/<> ''/g, ''), `${op}${quoted}`).not.toMatch(/'/);
        expect(parameters.some((p) => typeof p === 'string' && p.includes(value))).toBe(true);
      }
    }
  });

  it('nests long OR chains so SQLite stays under its expression depth limit', () => {
    const list = `[${Array.from({ length: 3000 }, (_, i) => `'h${i}*'`).join(',')}]`;
    const { sql } = offline('sqlite').selectFrom('hosts').selectAll().where(compileFilter(hosts, `hostname:*${list}`)!).compile();
    let depth = 0;
    let max = 0;
    for (const ch of sql) {
      if (ch === '(') max = Math.max(max, ++depth);
      if (ch === ')') depth--;
    }
    expect(max).toBeLessThan(20);
  });
});

describe('compileFilter on the database', () => {
  let store: Store;
  let db: Kysely<any>;

  const rows = [
    { device_id: 'h1', hostname: 'web-01', platform_name: 'Linux', os_version: 'Ubuntu 22.04', online: 1, last_seen: '2024-01-02T10:00:00.000Z', last_login_timestamp: null, tags: ['prod', 'web'] },
    { device_id: 'h2', hostname: 'WEB-02', platform_name: 'Windows', os_version: 'Windows 11', online: 0, last_seen: '2024-01-03T00:00:00.000Z', last_login_timestamp: '2024-01-01T00:00:00.000Z', tags: ['dev'] },
    { device_id: 'h3', hostname: `'); drop table hosts;--`, platform_name: '', os_version: '', online: 0, last_seen: '2024-01-01T23:59:59.999Z', last_login_timestamp: null, tags: [] },
    { device_id: 'h4', hostname: '100%_\\done', platform_name: 'Mac', os_version: '', online: 0, last_seen: '2023-06-01T00:00:00.000Z', last_login_timestamp: null, tags: ['a%b', 'a_b', 'x\\y'] },
    { device_id: 'h5', hostname: '100x\\done', platform_name: 'Mac', os_version: '', online: 0, last_seen: '2023-06-01T00:00:00.000Z', last_login_timestamp: null, tags: ['axb'] },
    { device_id: 'h6', hostname: '100%x', platform_name: 'Mac', os_version: '', online: 1, last_seen: '2023-06-01T00:00:00.000Z', last_login_timestamp: null, tags: [''] },
  ];

  beforeAll(async () => {
    store = await openTestStore();
    db = store.db as unknown as Kysely<any>;
    for (const [i, { tags, ...row }] of rows.entries()) {
      await db.insertInto('hosts').values({ ...row, cb_device_id: i + 1, first_seen: row.last_seen, modified_timestamp: row.last_seen }).execute();
      for (const tag of tags) await db.insertInto('host_tags').values({ device_id: row.device_id, tag }).execute();
    }
  });
  afterAll(async () => {
    await store?.close();
  });

  async function ids(filter: string): Promise<string[]> {
    const where = compileFilter(hosts, filter, { now });
    let q = db.selectFrom('hosts').select('hosts.device_id');
    if (where) q = q.where(where);
    const result = await q.orderBy('hosts.device_id').execute();
    return result.map((r) => r.device_id);
  }

  it.each([
    [`hostname:'WEB-01'`, ['h1']],
    [`hostname:['web-01','web-02']`, ['h1', 'h2']],
    [`hostname:!['web-01','web-02']`, ['h3', 'h4', 'h5', 'h6']],
    [`hostname:*'web*'`, ['h1', 'h2']],
    [`hostname:*web*`, ['h1', 'h2']],
    [`hostname:*'*-0?'`, []],
    [`hostname:~'EB-0'`, ['h1', 'h2']],
    [`hostname:!~'web'`, ['h3', 'h4', 'h5', 'h6']],
    [`hostname:!*'*0*'`, ['h3']],
    [`platform_name:Windows`, ['h2']],
    [`platform_name:null`, ['h3']],
    [`platform_name:!null`, ['h1', 'h2', 'h4', 'h5', 'h6']],
    [`platform_name:['Linux',null]`, ['h1', 'h3']],
    [`platform_name:!['Linux',null]`, ['h2', 'h4', 'h5', 'h6']],
    [`os:~'ubuntu'`, ['h1']],
    [`device_id:'H1'`, []], // not case-insensitive
    [`device_id:'h1'`, ['h1']],
    [`device_id:>='h5'`, ['h5', 'h6']],
    [`cb_device_id:>=2.5+cb_device_id:<5`, ['h3', 'h4']],
    [`cb_device_id:[1,3]`, ['h1', 'h3']],
    [`cb_device_id:!2`, ['h1', 'h3', 'h4', 'h5', 'h6']],
    [`cb_device_id:>99999999999999999999`, []],
    [`online:true`, ['h1', 'h6']],
    [`online:!true`, ['h2', 'h3', 'h4', 'h5']],
    [`last_seen:'2024-01-02'`, ['h1']],
    [`last_seen:!'2024-01-02'`, ['h2', 'h3', 'h4', 'h5', 'h6']],
    [`last_seen:>'2024-01-02'`, ['h2']],
    [`last_seen:>='2024-01-02'`, ['h1', 'h2']],
    [`last_seen:<'2024-01-02'`, ['h3', 'h4', 'h5', 'h6']],
    [`last_seen:<='2024-01-01'`, ['h3', 'h4', 'h5', 'h6']],
    [`last_seen:'2024-01-03T00:00:00Z'`, ['h2']],
    [`last_seen:'2024-01-03T01:00:00+01:00'`, ['h2']],
    [`last_seen:>'now-1d'`, ['h2']], // now is 2024-01-03T12:00Z
    [`last_seen:>=now-2d`, ['h1', 'h2', 'h3']],
    [`last_login_timestamp:null`, ['h1', 'h3', 'h4', 'h5', 'h6']],
    [`last_login_timestamp:!'2024-01-01'`, ['h1', 'h3', 'h4', 'h5', 'h6']], // NULL is "not that day"
    [`tags:'PROD'`, ['h1']],
    [`tags:!'prod'`, ['h2', 'h3', 'h4', 'h5', 'h6']],
    [`tags:['dev','web']`, ['h1', 'h2']],
    [`tags:*'a*'`, ['h4', 'h5']],
    [`tags:null`, ['h3', 'h6']], // no tags, or only an empty one
    [`tags:!null`, ['h1', 'h2', 'h4', 'h5']],
    [`tags:''`, ['h6']],
    [`(hostname:*'web*',tags:'axb')+online:false`, ['h2', 'h5']],
    [`hostname:*'web*',tags:'axb'+online:false`, ['h1', 'h2', 'h5']],
    [`  `, ['h1', 'h2', 'h3', 'h4', 'h5', 'h6']],
  ])('%s', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it.each([
    // LIKE metacharacters and SQL in values are matched literally.
    [`hostname:'\\'); drop table hosts;--'`, ['h3']],
    [`hostname:"'); drop table hosts;--"`, ['h3']],
    [`hostname:~'drop table'`, ['h3']],
    [`hostname:*'100%*'`, ['h4', 'h6']],
    [`hostname:*'100%_*'`, ['h4']],
    [`hostname:~'%'`, ['h4', 'h6']],
    [`hostname:~'_'`, ['h4']],
    [`hostname:~'\\\\'`, ['h4', 'h5']],
    [`hostname:*'*\\\\done'`, ['h4', 'h5']],
    [`hostname:'100%_\\\\done'`, ['h4']],
    [`hostname:'100__\\\\done'`, []],
    [`tags:'a%b'`, ['h4']],
    [`tags:'a_b'`, ['h4']],
    [`tags:*'a_*'`, ['h4']],
    [`tags:~'%'`, ['h4']],
    [`tags:'x\\\\y'`, ['h4']],
    [`tags:~'\\\\'`, ['h4']],
  ])('literal %s', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });

  it('left the hosts table alone', async () => {
    expect(await ids('')).toHaveLength(rows.length);
  });

  it('orders with applySort, NULLs last ascending on both dialects', async () => {
    const order = async (sort: string | undefined, defaultSort?: string) =>
      (await applySort(db.selectFrom('hosts').select('hosts.device_id'), hosts, sort, defaultSort).execute()).map((r) => r.device_id);
    expect(await order('last_seen.desc')).toEqual(['h2', 'h1', 'h3', 'h4', 'h5', 'h6']);
    expect(await order('last_seen|asc')).toEqual(['h4', 'h5', 'h6', 'h3', 'h1', 'h2']);
    expect(await order('online.desc,last_seen.asc')).toEqual(['h6', 'h1', 'h4', 'h5', 'h3', 'h2']);
    expect(await order('last_login_timestamp.asc')).toEqual(['h2', 'h1', 'h3', 'h4', 'h5', 'h6']);
    expect(await order('last_login_timestamp.desc')).toEqual(['h1', 'h3', 'h4', 'h5', 'h6', 'h2']);
    expect(await order(undefined, 'device_id.desc')).toEqual(['h6', 'h5', 'h4', 'h3', 'h2', 'h1']);
    expect(await order('os.asc,device_id.desc')).toEqual(['h6', 'h5', 'h4', 'h3', 'h1', 'h2']);
  });
});

describe('compileSort', () => {
  it.each([
    ['hostname.asc', [['hostname', 'asc']]],
    ['hostname.desc', [['hostname', 'desc']]],
    ['hostname|asc', [['hostname', 'asc']]],
    ['hostname|DESC', [['hostname', 'desc']]],
    ['hostname | desc', [['hostname', 'desc']]], // the spelling of the vendor's own examples
    ['hostname', [['hostname', 'asc']]],
    [' hostname.desc , last_seen ', [['hostname', 'desc'], ['last_seen', 'asc']]],
    ['os.desc', [['os_version', 'desc']]],
    ['device_id.desc', [['device_id', 'desc']]], // key already present: no tiebreaker
    ['hostname.desc,hostname.asc', [['hostname', 'desc']]],
    ['hostname,', [['hostname', 'asc']]],
  ])('%s', (sort, expected) => {
    const terms = expected.map(([column, direction]) => ({ column, direction }));
    if (!terms.some((t) => t.column === 'device_id')) terms.push({ column: 'device_id', direction: 'asc' });
    expect(compileSort(hosts, sort)).toEqual(terms);
  });

  it('falls back to the default sort, then to the key', () => {
    expect(compileSort(hosts, undefined, 'last_seen.desc')).toEqual([
      { column: 'last_seen', direction: 'desc' },
      { column: 'device_id', direction: 'asc' },
    ]);
    expect(compileSort(hosts, ' ', 'last_seen.desc')[0]).toEqual({ column: 'last_seen', direction: 'desc' });
    expect(compileSort(hosts, 'hostname', 'last_seen.desc')[0]).toEqual({ column: 'hostname', direction: 'asc' });
    expect(compileSort(hosts, undefined)).toEqual([{ column: 'device_id', direction: 'asc' }]);
  });

  it.each([
    ['nope.asc', 0, /unknown property "nope"; sortable properties are: cb_device_id, device_id, hostname, last_login_timestamp, last_seen, online, os, platform_name$/],
    ['hostname.asc,tags.desc', 13, /property "tags" cannot be sorted on/],
    ['first_seen', 0, /property "first_seen" cannot be sorted on/],
    ['hostname|up', 0, /expected property, property.asc or property.desc, found "hostname\|up"/],
    ['hostname.asc, last_seen desc', 14, /found "last_seen desc"/],
  ])('rejects %s', (sort, position, message) => {
    try {
      compileSort(hosts, sort);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FqlError);
      expect((err as FqlError).position).toBe(position);
      expect((err as FqlError).message).toMatch(message);
      expect((err as FqlError).message).toMatch(new RegExp(`^Invalid sort at position ${position}: `));
    }
  });
});
