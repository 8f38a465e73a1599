import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDomain, SPRAY_ACCOUNTS, SPRAY_SOURCE } from '../packages/agent/src/index.ts';
import { runAgent, type RunningAgent } from '../packages/agent/src/run-agent.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/agent.ts';
import { sdkClient } from './support/rtr.ts';

/**
 * Identity Protection end to end: a simulated AD domain (its DC an identity sensor) and a real
 * local agent running the identity module, driven with the vendor's JS SDK and the seed's own
 * GraphQL example.
 */

// The seed's example query, unchanged.
const SEED_QUERY = `
query ($after: Cursor) {
  entities(types: [USER], archived: false, learned: false, first: 5, after: $after) {
    nodes {
      primaryDisplayName
      secondaryDisplayName
      accounts {
        ... on ActiveDirectoryAccountDescriptor {
          domain
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

const USERS = 60;
const DOMAIN = 'corp.example';

/** An aggregation request as the SDK's model wants it (every field present). */
const agg = (over: Record<string, unknown>): any => ({
  dateRanges: [], exclude: '', field: '', filter: '', from: 0, include: '', interval: '', missing: '', name: '', percents: [], q: '', ranges: [], size: 10, sort: '', subAggregates: [], timeZone: '', type: '',
  ...over,
});

describe('Identity Protection', () => {
  let t: TestServer;
  let dc: SimulatedDomain;
  let agent: RunningAgent;
  let authLog: string;
  let falcon: ReturnType<typeof sdkClient>;
  const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
    const res = await t.api('POST', '/identity-protection/combined/graphql/v1', { token: token ?? (await t.token()), json: { query, variables } });
    return res;
  };
  const data = async (query: string, variables?: Record<string, unknown>) => {
    const res = await gql(query, variables);
    expect(res.status, res.text).toBe(200);
    expect(res.body.errors, res.text).toBeUndefined();
    return res.body.data;
  };
  const flushed = async () => {
    await waitFor(() => dc.flush(), 10_000, 'DC connected');
  };
  const userId = async (sam: string) => (await data(`{ entities(samAccountNames: ["${sam}"], domains: ["${DOMAIN}"], first: 1) { nodes { entityId } } }`)).entities.nodes[0].entityId as string;

  beforeAll(async () => {
    t = await startTestServer();
    falcon = sdkClient(t);
    dc = await SimulatedDomain.start({ serverUrl: t.url, enrollToken: t.enrollToken, domain: DOMAIN, users: USERS, seed: 'e2e' });
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-idagent-'));
    authLog = path.join(stateDir, 'auth.log');
    fs.writeFileSync(authLog, '');
    agent = await runAgent({ serverUrl: t.url, enrollToken: t.enrollToken, stateDir, identitySensor: true, identityAuthLog: authLog });
    const db = t.server.core.store.db;
    await waitFor(async () => (await db.selectFrom('identity_entities').select('entity_id').where('domain', '=', 'CORP.EXAMPLE').where('type', '=', 'USER').execute()).length === USERS, 20_000, 'domain users stored');
    await waitFor(async () => (await db.selectFrom('identity_sensors').select('device_id').execute()).length === 2, 20_000, 'two sensors');
  }, 60_000);

  afterAll(async () => {
    dc?.stop();
    agent?.stop();
    await t?.close();
  });

  it('lists the sensors with the SDK, and their details', async () => {
    const q = await falcon.identityEntities.querySensorsByFilter(0, 200, 'hostname.asc');
    expect(new Set(q.resources)).toEqual(new Set([dc.deviceId, agent.deviceId]));
    const only = await falcon.identityEntities.querySensorsByFilter(undefined, undefined, undefined, "sensor_kind:'DOMAIN_CONTROLLER'");
    expect(only.resources).toEqual([dc.deviceId]);
    const details = await t.api('POST', '/identity-protection/entities/devices/GET/v1', { token: await t.token(), json: { ids: [dc.deviceId, agent.deviceId] } });
    expect(details.status).toBe(200);
    const byId = Object.fromEntries(details.body.resources.map((s: any) => [s.device_id, s]));
    expect(byId[dc.deviceId]).toMatchObject({ hostname: 'DC01.corp.example', machine_domain: 'CORP.EXAMPLE', status: 'PROTECTED', sensor_kind: 'DOMAIN_CONTROLLER', cid: t.server.core.cid });
    expect(byId[agent.deviceId]).toMatchObject({ hostname: os.hostname(), platform_name: 'Linux', sensor_kind: 'LOCAL_ACCOUNTS', status: 'PROTECTED' });
  });

  it('aggregates sensors with every aggregation type, matching counts computed here', async () => {
    const details = (await t.api('POST', '/identity-protection/entities/devices/GET/v1', { token: await t.token(), json: { ids: [dc.deviceId, agent.deviceId] } })).body.resources as any[];
    const terms = await falcon.identityEntities.getSensorAggregates(
      agg({ name: 'kinds', field: 'sensor_kind', type: 'terms', sort: '_term|asc', subAggregates: [agg({ name: 'os', field: 'platform_name', type: 'terms', subAggregates: [agg({ name: 'users', field: 'users_reported', type: 'sum' })] })] }),
    );
    const kinds = terms.resources[0];
    expect(kinds.buckets.map((b: any) => [b.label, b.count])).toEqual([['DOMAIN_CONTROLLER', 1], ['LOCAL_ACCOUNTS', 1]]);
    const dcRow = details.find((s) => s.device_id === dc.deviceId);
    const dcBucket = kinds.buckets[0].subAggregates ?? (kinds.buckets[0] as any).sub_aggregates;
    expect(dcBucket[0].buckets[0].label).toBe('Windows');
    expect(dcBucket[0].buckets[0].subAggregates?.[0]?.buckets[0].value ?? dcBucket[0].buckets[0].sub_aggregates[0].buckets[0].value).toBe(dcRow.users_reported);

    const body = [
      { name: 'per_day', field: 'heartbeat_time', type: 'date_histogram', interval: 'day' },
      { name: 'recent', field: 'heartbeat_time', type: 'date_range', date_ranges: [{ from: 'now-1d' }, { to: 'now-1d' }] },
      { name: 'events', field: 'events_reported', type: 'range', ranges: [{ From: 0, To: 1 }, { From: 1 }] },
      { name: 'hosts', field: 'hostname', type: 'cardinality' },
      { name: 'max', field: 'users_reported', type: 'max' },
      { name: 'min', field: 'users_reported', type: 'min' },
      { name: 'avg', field: 'users_reported', type: 'avg' },
      { name: 'sum', field: 'users_reported', type: 'sum' },
      { name: 'pct', field: 'users_reported', type: 'percentiles' },
    ];
    const res = await t.api('POST', '/identity-protection/aggregates/devices/GET/v1', { token: await t.token(), json: body });
    expect(res.status, res.text).toBe(200);
    const [perDay, recent, events, hosts, max, min, avg, sum, pct] = res.body.resources;
    const users = details.map((s) => s.users_reported as number);
    expect(perDay.buckets.reduce((n: number, b: any) => n + b.count, 0)).toBe(2);
    expect(recent.buckets.map((b: any) => b.count)).toEqual([2, 0]);
    expect(events.buckets.map((b: any) => b.count)).toEqual([details.filter((s) => s.events_reported < 1).length, details.filter((s) => s.events_reported >= 1).length]);
    expect(hosts.buckets[0].value).toBe(2);
    expect(max.buckets[0].value).toBe(Math.max(...users));
    expect(min.buckets[0].value).toBe(Math.min(...users));
    expect(avg.buckets[0].value).toBeCloseTo(users.reduce((a, b) => a + b, 0) / 2, 9);
    expect(sum.buckets[0].value).toBe(users.reduce((a, b) => a + b, 0));
    expect(pct.buckets.map((b: any) => b.label)).toEqual(['1.0', '5.0', '25.0', '50.0', '75.0', '95.0', '99.0']);
  });

  it('runs the seed GraphQL example unchanged through the SDK, paging every user with domains', async () => {
    const seen: any[] = [];
    let after: string | undefined;
    // The JS SDK's model keeps only `query` (it drops `variables`): its request is the first page;
    // the next pages go as FalconPy sends them, `{query, variables}`.
    const sdk = await falcon.identityProtection.apiPreemptProxyPostGraphqlRaw({ body: { query: SEED_QUERY } });
    const firstPage = await sdk.raw.json();
    expect(sdk.raw.status).toBe(200);
    for (let page = 0; page < 100; page++) {
      const res = page === 0 ? { status: 200, body: firstPage } : await gql(SEED_QUERY, { after, string: 'string, int, float' });
      const json = res.body;
      expect(res.status).toBe(200);
      expect(json.extensions.remainingPoints).toBeGreaterThan(0);
      const e = json.data.entities;
      expect(e.nodes.length).toBeLessThanOrEqual(5);
      seen.push(...e.nodes);
      if (!e.pageInfo.hasNextPage) break;
      after = e.pageInfo.endCursor;
    }
    const ad = seen.filter((n) => n.accounts[0]?.domain === 'CORP.EXAMPLE');
    const enabled = dc.directory.users.filter((u) => u.enabled);
    expect(ad.map((n) => n.secondaryDisplayName).sort()).toEqual(enabled.map((u) => `CORP.EXAMPLE\\${u.sam}`).sort());
    // Anyone else is a local account of the real agent's host: no AD descriptor, so the fragment selects nothing.
    const local = os.hostname().split('.')[0].toUpperCase();
    for (const n of seen.filter((x) => !ad.includes(x))) {
      expect(n.secondaryDisplayName.startsWith(`${local}\\`)).toBe(true);
      expect(n.accounts).toEqual([{}]);
    }
  });

  it('ranks users by risk and explains the score: stale administrators come first', async () => {
    const d = await data(`{ entities(types: [USER], domains: ["${DOMAIN}"], sortKey: RISK_SCORE, sortOrder: DESCENDING, first: 100) {
      nodes { entityId primaryDisplayName riskScore riskScoreSeverity riskFactors { type severity score description } roles { type } hasRole(type: AdminAccountRole)
        accounts { ... on ActiveDirectoryAccountDescriptor { samAccountName domain passwordAttributes { lastChange mayNeverExpire } } } } } }`);
    const nodes = d.entities.nodes;
    const scores = nodes.map((n: any) => n.riskScore);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const staleSams = new Set(dc.directory.users.filter((u) => u.stale && u.enabled).map((u) => u.sam));
    expect(staleSams.size).toBeGreaterThan(0);
    for (const n of nodes.filter((x: any) => staleSams.has(x.accounts[0].samAccountName))) {
      expect(n.riskFactors.map((f: any) => f.type)).toContain('STALE_ACCOUNT');
      expect(n.hasRole).toBe(true);
      expect(n.riskScore).toBeGreaterThanOrEqual(0.45);
    }
    for (const n of nodes) if (n.riskScore === 0) expect(n.riskFactors).toEqual([]);
  });

  it('answers a page that asks for a few fields with the rows of a full one, and pages on with the arguments in another order', async () => {
    const args = `types: [USER], domains: ["${DOMAIN}"], sortKey: PRIMARY_DISPLAY_NAME, first: 7`;
    const wide = await data(`{ entities(${args}) { nodes { entityId primaryDisplayName secondaryDisplayName roles { type } accounts { enabled } } pageInfo { endCursor } } }`);
    const narrow = await data(`{ entities(${args}) { nodes { entityId primaryDisplayName } pageInfo { endCursor } } }`);
    expect(narrow.entities.nodes).toHaveLength(7);
    expect(narrow.entities.nodes).toEqual(wide.entities.nodes.map(({ entityId, primaryDisplayName }: any) => ({ entityId, primaryDisplayName })));
    expect(narrow.entities.pageInfo.endCursor).toBe(wide.entities.pageInfo.endCursor);
    const next = await data(`{ entities(first: 7, sortKey: PRIMARY_DISPLAY_NAME, domains: ["${DOMAIN}"], types: [USER], after: "${narrow.entities.pageInfo.endCursor}") { nodes { entityId } } }`);
    const both = await data(`{ entities(types: [USER], domains: ["${DOMAIN}"], sortKey: PRIMARY_DISPLAY_NAME, first: 14) { nodes { entityId } } }`);
    expect([...narrow.entities.nodes, ...next.entities.nodes].map((n: any) => n.entityId)).toEqual(both.entities.nodes.map((n: any) => n.entityId));
  });

  it('raises an incident for a password-spraying burst, and works it through its life cycle', async () => {
    dc.spray();
    await flushed();
    let incident: any;
    await waitFor(async () => {
      const d = await data('{ incidents(types: ["PASSWORD_SPRAYING"], first: 10) { nodes { incidentId type severity lifeCycleStage description compromisedEntities { entityId } } } }');
      incident = d.incidents.nodes[0];
      return !!incident;
    }, 10_000, 'spraying incident');
    expect(incident).toMatchObject({ type: 'PASSWORD_SPRAYING', severity: 'HIGH', lifeCycleStage: 'NEW' });
    expect(incident.description).toContain(SPRAY_SOURCE.ip);
    expect(incident.compromisedEntities.length).toBeGreaterThanOrEqual(SPRAY_ACCOUNTS / 2);
    const set = await data(`mutation { setIncidentState(input: {incidentId: "${incident.incidentId}", lifeCycleStage: RESOLVED, reason: "attacker blocked at the firewall"}) { incident { lifeCycleStage comments { text } } } }`);
    expect(set.setIncidentState.incident).toMatchObject({ lifeCycleStage: 'RESOLVED', comments: [{ text: 'attacker blocked at the firewall' }] });
    const again = await gql(`mutation { setIncidentState(input: {incidentId: "${incident.incidentId}", lifeCycleStage: NEW}) { incident { lifeCycleStage } } }`);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].message).toMatch(/resolved/);
  });

  it('records a would-be block for a simulation-mode rule, and blocks for an enforcing one', async () => {
    const people = dc.directory.users.filter((u) => u.enabled && !u.stale && !u.privileged && !u.service);
    const [simUser, blockUser] = [people[0], people[1]];
    const simId = await userId(simUser.sam);
    const blockId = await userId(blockUser.sam);
    const rule = (name: string, id: string, simulationMode: boolean) => ({
      action: 'BLOCK', activity: { accessType: { include: ['KERBEROS', 'NTLM', 'LDAP'], exclude: [] }, accessTypeCustom: { include: [], exclude: [] } },
      destination: { entityId: { include: [], exclude: [] }, groupMembership: { include: [], exclude: [] } },
      enabled: true, name, simulationMode,
      sourceEndpoint: { entityId: { include: [], exclude: [] }, groupMembership: { include: [], exclude: [] } },
      sourceUser: { entityId: { include: [id], exclude: [] }, groupMembership: { include: [], exclude: [] } },
      trigger: 'access',
    });
    const created = await falcon.identityProtection.apiPreemptProxyPostPolicyRulesRaw({ body: rule('simulate sim user', simId, true) as any });
    expect(created.raw.status).toBe(201);
    const simRule = (await created.raw.json()).resources[0];
    const blocking = await t.api('POST', '/identity-protection/entities/policy-rules/v1', { token: await t.token(), json: rule('block block user', blockId, false) });
    expect(blocking.status, blocking.text).toBe(201);
    const blockRule = blocking.body.resources[0];

    const q = await t.api('GET', '/identity-protection/queries/policy-rules/v1?simulation_mode=true', { token: await t.token() });
    expect(q.body.resources).toEqual([simRule.id]);
    const byName = await t.api('GET', `/identity-protection/queries/policy-rules/v1?name=${encodeURIComponent('BLOCK block user')}&enabled=true`, { token: await t.token() });
    expect(byName.body.resources).toEqual([blockRule.id]);
    const got = await t.api('GET', `/identity-protection/entities/policy-rules/v1?ids=${simRule.id},${blockRule.id}`, { token: await t.token() });
    expect(got.body.resources.map((r: any) => [r.name, r.simulationMode])).toEqual(expect.arrayContaining([['simulate sim user', true], ['block block user', false]]));

    expect(dc.authenticate(simUser.sam, { protocol: 'KERBEROS' }).result).toBe('SUCCESS');
    expect(dc.authenticate(blockUser.sam, { protocol: 'NTLM' }).result).toBe('SUCCESS');
    await flushed();
    await waitFor(() => dc.blocked.size > 0, 10_000, 'the DC told to block');

    const matches = async (id: string) =>
      (await data(`{ timeline(sourceEntityQuery: {entityIds: ["${id}"]}, types: [POLICY_RULE_MATCH], first: 10) { nodes { ... on TimelinePolicyRuleMatchEvent { ruleName ruleId actionLabel simulated successful resultDescription incident { type } } } } }`)).timeline.nodes;
    const sim = await matches(simId);
    expect(sim).toEqual([expect.objectContaining({ ruleId: simRule.id, actionLabel: 'BLOCK', simulated: true, successful: false, incident: null })]);
    expect(sim[0].resultDescription).toMatch(/would have been blocked/);
    const enforced = await matches(blockId);
    expect(enforced).toEqual([expect.objectContaining({ ruleId: blockRule.id, actionLabel: 'BLOCK', simulated: false, successful: true, incident: { type: 'POLICY_RULE_BLOCK' } })]);

    // The DC now refuses the blocked account from that workstation; the simulated one still passes.
    expect(dc.authenticate(blockUser.sam).result).toBe('BLOCKED');
    expect(dc.authenticate(simUser.sam).result).toBe('SUCCESS');
    await flushed();
    await waitFor(async () => (await data(`{ timeline(sourceEntityQuery: {entityIds: ["${blockId}"]}, types: [FAILED_AUTHENTICATION], first: 5) { nodes { ... on TimelineAuthenticationEvent { result } } } }`)).timeline.nodes.some((n: any) => n.result === 'BLOCKED'), 10_000, 'blocked authentication on the timeline');

    const del = await t.api('DELETE', `/identity-protection/entities/policy-rules/v1?ids=${simRule.id}`, { token: await t.token() });
    expect(del.status).toBe(200);
    expect((await t.api('GET', `/identity-protection/entities/policy-rules/v1?ids=${simRule.id}`, { token: await t.token() })).status).toBe(404);
  });

  it('reports the real agent\'s local accounts and the sshd authentications of its auth log', async () => {
    const now = new Date();
    const stamp = now.toISOString().replace('Z', '+00:00');
    fs.appendFileSync(authLog, `${stamp} ${os.hostname()} sshd[4242]: Accepted publickey for root from 192.0.2.10 port 50022 ssh2: ED25519 SHA256:x\n${stamp} ${os.hostname()} sshd[4243]: Failed password for invalid user oracle from 198.51.100.7 port 41000 ssh2\n`);
    const local = os.hostname().split('.')[0].toUpperCase();
    await waitFor(async () => {
      const d = await data(`{ timeline(sourceEntityQuery: {samAccountNames: ["root"]}, first: 10) { nodes { ... on TimelineAuthenticationEvent { protocolType result ipAddress userName } } } }`);
      return d.timeline.nodes.some((n: any) => n.protocolType === 'SSH' && n.ipAddress === '192.0.2.10');
    }, 20_000, 'sshd logon on the timeline');
    const root = await data(`{ entities(types: [USER], domains: ["${local}"], samAccountNames: ["root"], first: 1) { nodes { roles { type } accounts { dataSource ... on LocalAccountDescriptor { hostName userName lastLogon } } } } }`);
    expect(root.entities.nodes[0].roles.map((r: any) => r.type)).toContain('BuiltinAdministratorRole');
    expect(root.entities.nodes[0].accounts[0]).toMatchObject({ dataSource: 'LOCAL', hostName: local, userName: 'root' });
    const failed = await data('{ timeline(types: [FAILED_AUTHENTICATION], first: 200) { nodes { ... on TimelineAuthenticationEvent { userName ipAddress userEntity { entityId } } } } }');
    expect(failed.timeline.nodes).toContainEqual({ userName: 'oracle', ipAddress: '198.51.100.7', userEntity: null });
  });

  it('answers the security assessment and watch-list mutations', async () => {
    const a = await data(`{ securityAssessment(domain: "${DOMAIN}") { domain overallScore overallScoreLevel assessmentFactors { riskFactorType severity likelihood affectedEntities } } }`);
    expect(a.securityAssessment.domain).toBe('CORP.EXAMPLE');
    expect(a.securityAssessment.assessmentFactors.map((f: any) => f.riskFactorType)).toContain('STALE_ACCOUNT');
    const id = await userId('Administrator');
    const w = await data(`mutation { addEntitiesToWatchList(input: {entityQuery: {entityIds: ["${id}"]}}) { updatedEntities { entityId watched } failures } }`);
    expect(w.addEntitiesToWatchList.updatedEntities).toEqual([{ entityId: id, watched: true }]);
    expect((await data('{ entities(watched: true, first: 10) { nodes { entityId } } }')).entities.nodes).toEqual([{ entityId: id }]);
    await data(`mutation { removeEntitiesFromWatchList(input: {entityQuery: {entityIds: ["${id}"]}}) { updatedEntities { watched } } }`);
    expect((await data(`{ entity(entityId: "${id}") { watched ... on UserEntity { emailAddresses } } }`)).entity).toEqual({ watched: false, emailAddresses: ['Administrator@corp.example'] });
  });

  describe('bad input', () => {
    it.each([
      ['malformed GraphQL', '{ entities(first: 5 { nodes { entityId } } }'],
      ['an unknown field', '{ entities(first: 5) { nodes { password } } }'],
      ['a page too large', '{ entities(first: 5000) { nodes { entityId } } }'],
      ['a forged cursor', '{ entities(first: 5, after: "eyJ4Ijp7fX0.AAAAAAAAAAAAAAAAAAAAAA") { nodes { entityId } } }'],
      ['a bad time', '{ timeline(startTime: "yesterday", first: 5) { nodes { eventId } } }'],
      ['too deep', '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } }'],
      ['too costly', '{ entities(first: 1000) { nodes { openIncidents(first: 1000) { nodes { compromisedEntities { entityId } } } } } }'],
      ['a wrong variable type', 'query ($n: Int) { entities(first: $n) { nodes { entityId } } }'],
    ])('%s → 400 with GraphQL errors', async (_what, query) => {
      const res = await gql(query, query.includes('$n') ? { n: 'five' } : undefined);
      expect(res.status, res.text).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(typeof res.body.errors[0].message).toBe('string');
      expect(res.body.data).toBeUndefined();
    });

    it('refuses a cursor from another query, bodies that are not GraphQL requests, and tokens without the scope', async () => {
      const first = (await data('{ entities(types: [USER], first: 2) { pageInfo { endCursor } } }')).entities.pageInfo.endCursor;
      const other = await gql(`{ entities(types: [ENDPOINT], first: 2, after: "${first}") { nodes { entityId } } }`);
      expect(other.status).toBe(400);
      expect(other.body.errors[0].message).toMatch(/different query/);
      const notJson = await t.api('POST', '/identity-protection/combined/graphql/v1', { token: await t.token(), headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.errors[0].message).toBeTruthy();
      const noQuery = await t.api('POST', '/identity-protection/combined/graphql/v1', { token: await t.token(), json: { variables: {} } });
      expect(noQuery.status).toBe(400);
      expect(noQuery.body.errors).toBeDefined();
      const scoped = await gql('{ domains }', undefined, await t.token(['identity-entities:read']));
      expect(scoped.status).toBe(403);
      expect(scoped.body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await t.api('POST', '/identity-protection/combined/graphql/v1', { json: { query: '{ domains }' } })).status).toBe(401);
    });

    it('never answers arbitrary bodies or query texts with a server error', async () => {
      const token = await t.token();
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ query: fc.string(), variables: fc.jsonValue() }), fc.record({ query: fc.constantFrom('{ entities { nodes { entityId } } }', 'query ($a: Cursor) { entities(after: $a) { nodes { entityId } } }'), variables: fc.dictionary(fc.constantFrom('a', 'b'), fc.jsonValue()) })), async (body) => {
          const res = await t.api('POST', '/identity-protection/combined/graphql/v1', { token, json: body });
          expect(res.status, res.text).toBeLessThan(500);
          expect(res.body.errors === undefined || Array.isArray(res.body.errors)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it('refuses bad sensor requests and bad rules with Falcon 400s', async () => {
      const token = await t.token();
      const ids = Array.from({ length: 5001 }, (_, i) => i.toString(16).padStart(32, '0'));
      const tooMany = await t.api('POST', '/identity-protection/entities/devices/GET/v1', { token, json: { ids } });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].message).toBeTruthy();
      expect((await t.api('GET', '/identity-protection/queries/devices/v1?limit=201', { token })).status).toBe(400);
      expect((await t.api('GET', "/identity-protection/queries/devices/v1?filter=nope:'x'", { token })).status).toBe(400);
      const agg = (json: unknown) => t.api('POST', '/identity-protection/aggregates/devices/GET/v1', { token, json });
      expect((await agg({ name: 'x', field: 'heartbeat_time', type: 'date_histogram', interval: 'fortnight' })).status).toBe(400);
      const deep = { field: 'hostname', type: 'terms', sub_aggregates: [{ field: 'hostname', type: 'terms', sub_aggregates: [{ field: 'hostname', type: 'terms', sub_aggregates: [{ field: 'hostname', type: 'terms' }] }] }] };
      const tooDeep = await agg(deep);
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.body.errors[0].message).toMatch(/3 nested levels/);
      const base = { action: 'BLOCK', enabled: true, name: 'r', simulationMode: false, trigger: 'access' };
      const rule = (json: unknown) => t.api('POST', '/identity-protection/entities/policy-rules/v1', { token, json });
      for (const bad of [
        { ...base, sourceUser: { entityId: { include: ['00000000-0000-0000-0000-000000000000'] } } },
        { ...base, sourceUser: { groupMembership: { include: ['no-such-group'] } } },
        { ...base, activity: { accessType: { include: ['TELEPATHY'] } } },
        { ...base, action: 'MFA' },
        { ...base, action: 'NUKE' },
        { ...base, trigger: 'alert' },
        { ...base, name: '' },
        { ...base, colour: 'red' },
        { action: 'BLOCK', name: 'missing fields' },
      ]) {
        const res = await rule(bad);
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(res.body.errors[0].message).toBeTruthy();
      }
      expect((await t.api('GET', '/identity-protection/queries/policy-rules/v1?enabled=maybe', { token })).status).toBe(400);
    });
  });
});
