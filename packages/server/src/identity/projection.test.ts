import { describe, expect, it } from 'vitest';
import { execute, parse } from './graphql.ts';
import type { Core, EntityColumn } from '@riposte/core';
import { DocumentCache } from './documents.ts';
import { entityColumns } from './entity-node.ts';
import { rootValue } from './resolvers.ts';
import { identitySchema } from './schema.ts';
import type { GraphqlContext } from './views.ts';

/** Runs `query` against resolvers whose identity service records the columns the entity page was asked for. */
async function columnsAskedFor(query: string): Promise<EntityColumn[] | undefined> {
  const asked: { called: boolean; columns?: readonly EntityColumn[] } = { called: false };
  const entities = {
    page: async (_q: unknown, _first: number, _after: unknown, columns?: readonly EntityColumn[]) => {
      Object.assign(asked, { called: true, columns });
      return { nodes: [], hasNextPage: false, endCursor: null };
    },
  };
  const core = { identity: { entities } } as unknown as Core;
  const result = await execute({ schema: identitySchema, document: parse(query), rootValue, contextValue: { core, caller: 'test' } as GraphqlContext });
  expect(result.errors).toBeUndefined();
  expect(asked.called).toBe(true);
  return asked.columns && [...asked.columns].sort();
}

describe('entity columns read for a GraphQL page', () => {
  it('are those behind the fields asked for, through edges, fragments and inline fragments', async () => {
    expect(await columnsAskedFor('{ entities(first: 5) { nodes { entityId riskScore riskFactors { type } } } }')).toEqual(['risk_factors', 'risk_score']);
    expect(await columnsAskedFor('{ entities(first: 5) { edges { node { primaryDisplayName } } pageInfo { endCursor } } }')).toEqual(['primary_display_name']);
    expect(await columnsAskedFor('{ entities { nodes { ...F ... on EndpointEntity { lastIpAddress hostName } } } } fragment F on Entity { watched roles { type } }')).toEqual(
      ['builtin_admin', 'host_name', 'last_ip', 'primary_display_name', 'privileged', 'service_account', 'watched'],
    );
  });

  it('are every column when a field reads more than a column of its own (accounts)', async () => {
    expect(await columnsAskedFor('{ entities { nodes { entityId accounts { enabled } } } }')).toBeUndefined();
    expect(entityColumns(new Set(['entityId', 'somethingNew']))).toBeUndefined();
  });
});

describe('DocumentCache', () => {
  it('parses and validates a query once, and keeps no invalid one', () => {
    const cache = new DocumentCache(identitySchema);
    const q = '{ domains }';
    const first = cache.get(q);
    expect(first.errors).toBeUndefined();
    expect(cache.get(q).document).toBe(first.document);
    const bad = cache.get('{ nope }');
    expect(bad.errors?.[0].message).toMatch(/Cannot query field "nope"/);
    expect(cache.get('{ nope }').document).toBeUndefined();
    expect(() => cache.get('{ domains')).toThrow(/Syntax Error/);
  });
});
