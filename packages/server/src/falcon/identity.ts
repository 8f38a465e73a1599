import { badRequest, identitySensorFqlSchema, type AggregateRequest, type Core, type IdentitySensor, type PolicyRule } from '@riposte/core';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AggregateQueryRequest } from '@riposte/spec';
import { actorOf, type SomeFalconHandlers } from './call.ts';
import { entitiesResult } from './hosts.ts';

/** The seed: "There is a maximum of 3 nested aggregations per request." */
const MAX_SENSOR_AGGREGATE_LEVELS = 3;

const checkAggregate = TypeCompiler.Compile(AggregateQueryRequest);

function levels(r: AggregateRequest): number {
  return 1 + Math.max(0, ...(r.sub_aggregates ?? []).map(levels));
}

/**
 * The vendor's SDKs send every field of an aggregation request, unset ones as '' or []: those mean
 * "not given" and are dropped before the engine reads the request.
 */
function unsetDropped(r: Record<string, unknown>): AggregateRequest {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === '' || v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = k === 'sub_aggregates' && Array.isArray(v) ? v.map((s) => unsetDropped(s as Record<string, unknown>)) : v;
  }
  return out as unknown as AggregateRequest;
}

function sensorResource(cid: string, s: IdentitySensor) {
  return {
    cid,
    device_id: s.device_id,
    hostname: s.hostname,
    local_ip: s.local_ip,
    machine_domain: s.machine_domain,
    os_version: s.os_version,
    platform_name: s.platform_name,
    agent_version: s.agent_version,
    heartbeat_time: s.heartbeat_time,
    first_seen: s.first_seen,
    status: s.status,
    status_causes: s.status === 'PROTECTED' ? [] : ['AGENT_DISCONNECTED'],
    sensor_kind: s.sensor_kind,
    users_reported: Number(s.users_reported),
    events_reported: Number(s.events_reported),
  };
}

function ruleResource(r: PolicyRule) {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    simulationMode: r.simulationMode,
    action: r.action,
    trigger: r.trigger,
    ...(r.activity ? { activity: r.activity } : {}),
    ...(r.destination ? { destination: r.destination } : {}),
    ...(r.sourceEndpoint ? { sourceEndpoint: r.sourceEndpoint } : {}),
    ...(r.sourceUser ? { sourceUser: r.sourceUser } : {}),
    createdBy: r.createdBy,
    createdTime: r.createdAt,
  };
}

/** IdentityEntities (sensors) and the REST half of IdentityProtection (policy rules). */
export function identityHandlers(core: Core) {
  const { identity } = core;
  return {
    async QuerySensorsByFilter({ query }) {
      const page = await identity.sensors.query(query);
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },

    async GetSensorDetails({ body }) {
      const ids = body.ids;
      const found = await identity.sensors.get(ids);
      return entitiesResult(ids, found, (s) => s.device_id, 'sensor', (s) => sensorResource(core.cid, s));
    },

    async GetSensorAggregates({ body }) {
      const requests = (Array.isArray(body) ? body : [body]).map((r: Record<string, unknown>, i: number) => {
        const request = unsetDropped(r);
        if (!checkAggregate.Check(request)) {
          const e = checkAggregate.Errors(request).First();
          throw badRequest(`aggregation ${i}: ${e ? `${e.path || 'body'} ${e.message}` : 'not an aggregation request'}`);
        }
        return request;
      });
      for (const r of requests) {
        if (levels(r) > MAX_SENSOR_AGGREGATE_LEVELS) throw badRequest(`aggregation "${r.name ?? r.field}": at most ${MAX_SENSOR_AGGREGATE_LEVELS} nested levels per request`);
      }
      await identity.sensors.prepareAggregation(requests);
      return { resources: await core.aggregations.run(identitySensorFqlSchema, requests) };
    },

    async get_policy_rules({ query }) {
      const ids = query.ids;
      return entitiesResult(ids, await identity.rules.get(ids), (r) => r.id, 'policy rule', ruleResource);
    },

    async post_policy_rules({ body, principal }) {
      const rule = await identity.rules.create(body, actorOf({ principal }));
      return { resources: [ruleResource(rule)] };
    },

    async delete_policy_rules({ query }) {
      const ids = query.ids;
      const deleted = await identity.rules.delete(ids);
      const gone = new Set(deleted);
      const errors = [...new Set(ids)].filter((id) => !gone.has(id)).map((id) => ({ code: 404, message: `policy rule not found: ${id}`, id }));
      return { resources: deleted, errors, ...(deleted.length === 0 ? { status: 404 } : {}), writes: { resources_affected: deleted.length } };
    },

    async get_policy_rules_query({ query }) {
      const ids = await identity.rules.query({ name: query.name, enabled: query.enabled, simulationMode: query.simulation_mode });
      return { resources: ids, pagination: { offset: 0, limit: ids.length, total: ids.length } };
    },
  } satisfies SomeFalconHandlers;
}
