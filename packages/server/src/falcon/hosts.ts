import type { Core, LoginEvent } from '@riposte/core';
import { badRequest, parseFqlDate } from '@riposte/core';
import { actorOf, type SomeFalconHandlers } from './call.ts';
import type { FalconError, FalconResult } from './envelope.ts';
import { falconTime, pickFields, toFalconDevice } from './device-model.ts';
import { DeviceRenderCache } from './device-cache.ts';

/** Found records, plus a 404 error per missing id; 404 overall when nothing was found. */
export function entitiesResult<T>(ids: readonly string[], found: T[], idOf: (t: T) => string, what: string, render: (t: T) => unknown): FalconResult {
  const have = new Set(found.map(idOf));
  const errors: FalconError[] = [...new Set(ids)].filter((id) => !have.has(id)).map((id) => ({ code: 404, message: `${what} not found: ${id}`, id }));
  return { resources: found.map(render), errors, ...(found.length === 0 && errors.length ? { status: 404 } : {}) };
}

/**
 * A login history bound: RFC 3339 or FQL-style (`now-7d`); a date without a time means the
 * day's start (`from`) or end (`to`).
 */
function historyBound(name: 'from' | 'to', text: string | undefined, fallback: string): string {
  const d = parseFqlDate(text ?? fallback, new Date());
  if (!d) throw badRequest(`${name} must be an RFC 3339 date-time or a relative date such as now-7d, not "${(text ?? '').slice(0, 64)}"`);
  return d.kind === 'instant' ? d.iso : name === 'from' ? d.first : d.last;
}

/** A login as `deviceapi.LoginInfoV1`, with riposte's type, source and outcome beside it. */
function falconLogin(l: LoginEvent): Record<string, unknown> {
  return {
    user_name: l.user_name,
    login_time: falconTime(l.login_time),
    login_type: l.login_type,
    ...(l.remote_address ? { remote_address: l.remote_address } : {}),
    login_status: l.success ? 'success' : 'failure',
  };
}

export function hostHandlers(core: Core, devices: DeviceRenderCache) {
  const combined = async (query: { filter?: string; sort?: string; offset?: string; limit?: number; fields?: string[] }, hidden: boolean): Promise<FalconResult> => {
    // `offset` is either a plain number or the `next` token of the previous page.
    const numeric = query.offset === undefined || /^\d+$/.test(query.offset);
    const q = { ...query, onlyHidden: hidden };
    const page = numeric ? await core.hosts.queryScroll({ ...q, offset: undefined, start: Number(query.offset ?? 0) }) : await core.hosts.queryScroll(q);
    const pagination = { offset: page.offset, limit: page.limit, total: page.total, next: page.next };
    if (!query.fields?.length) return { resourcesJson: (await devices.render(page.ids)).json, pagination };
    const hosts = await core.hosts.getMany(page.ids);
    const policies = await core.responsePolicies.effective(page.ids);
    return { resources: hosts.map((h) => pickFields(toFalconDevice(h, core.cid, policies.get(h.device_id)), query.fields)), pagination };
  };
  const details = async (ids: string[]): Promise<FalconResult> => {
    const rendered = await devices.render(ids);
    const result = entitiesResult(ids, rendered.ids, (id) => id, 'device', () => undefined);
    return { ...result, resources: undefined, resourcesJson: rendered.json };
  };
  return {
    async QueryDevicesByFilter({ query }) {
      const page = await core.hosts.query(query);
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async QueryDevicesByFilterScroll({ query }) {
      const page = await core.hosts.queryScroll(query);
      return {
        resources: page.ids,
        pagination: { offset: page.next, limit: page.limit, total: page.total, expires_at: Date.parse(page.expires_at) * 1_000_000 },
      };
    },
    async QueryHiddenDevices({ query }) {
      const page = await core.hosts.query({ ...query, onlyHidden: true });
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },
    async CombinedDevicesByFilter({ query }) {
      return combined(query, false);
    },
    async CombinedHiddenDevicesByFilter({ query }) {
      return combined(query, true);
    },
    async GetDeviceDetailsV1({ query }) {
      return details(query.ids);
    },
    async GetDeviceDetailsV2({ query }) {
      return details(query.ids);
    },
    async PostDeviceDetailsV2({ body }) {
      return details(body.ids);
    },
    async GetOnlineState_V1({ query }) {
      const states = await core.hosts.onlineState(query.ids);
      return entitiesResult(query.ids, states, (s) => s.id, 'device', (s) => s);
    },
    async UpdateDeviceTags({ body }) {
      // Falcon keeps API-set tags under the FalconGroupingTags/ namespace.
      const tags = body.tags.map((t) => (t.includes('/') ? t : `FalconGroupingTags/${t}`));
      const results = await core.hosts.updateTags(body.action, body.device_ids, tags);
      return {
        resources: results.map((r) => ({ device_id: r.device_id, code: r.updated ? 200 : 404, updated: r.updated })),
        writes: { resources_affected: results.filter((r) => r.updated).length },
      };
    },
    async PerformActionV2({ query, body }) {
      const ids = body.ids;
      const action = query.action_name;
      if (action === 'contain' || action === 'lift_containment') {
        const { done, errors } = await core.containment.request(action === 'contain' ? 'contain' : 'lift', ids);
        return {
          resources: done.map((id) => ({ id, path: '' })),
          errors: errors.map((e) => ({ code: e.error.status, message: e.error.message, id: e.id })),
          ...(done.length === 0 && errors.length ? { status: errors[0].error.status } : {}),
        };
      }
      let done: string[];
      switch (action) {
        case 'hide_host': done = await core.hosts.setHidden(ids, true); break;
        case 'unhide_host': done = await core.hosts.setHidden(ids, false); break;
        case 'detection_suppress': done = await core.hosts.setDetectionSuppressed(ids, true); break;
        default: done = await core.hosts.setDetectionSuppressed(ids, false); break;
      }
      return entitiesResult(ids, done, (id) => id, 'device', (id) => ({ id, path: '' }));
    },
    async DevicesActionsDeleteV1(call) {
      const { ids, filter } = call.body as { ids?: string[]; filter?: string };
      const { deleted, errors } = await core.hostDeletion.delete({ ids, filter }, actorOf(call));
      return {
        resources: deleted.map((id) => ({ id, path: '' })),
        errors: errors.map((e) => ({ code: e.error.status, message: e.error.message, id: e.id })),
        writes: { resources_affected: deleted.length },
        ...(deleted.length === 0 && errors.length ? { status: errors[0].error.status } : {}),
      };
    },
    async riposte_GetContainmentAllowList() {
      return { resources: await core.containment.allowList() };
    },
    async riposte_SetContainmentAllowList({ body }) {
      const list = await core.containment.setAllowList(body.cidrs);
      return { resources: list, writes: { resources_affected: list.length } };
    },
    async QueryDeviceLoginHistory({ body }) {
      const rows = await core.hosts.loginHistory(body.ids);
      return { resources: rows.map((r) => ({ device_id: r.device_id, cid: core.cid, recent_logins: r.recent_logins.map(falconLogin) })) };
    },
    async QueryDeviceLoginHistoryV2({ body, query }) {
      const range = { from: historyBound('from', query.from, 'now-7d'), to: historyBound('to', query.to, 'now'), limit: query.limit };
      const rows = await core.hosts.loginHistory(body.ids, range);
      return { resources: rows.map((r) => ({ device_id: r.device_id, cid: core.cid, recent_logins: r.recent_logins.map(falconLogin) })) };
    },
    async QueryGetNetworkAddressHistoryV1({ body }) {
      const rows = await core.hosts.addressHistory(body.ids);
      return {
        resources: rows.map((r) => ({
          cid: core.cid,
          device_id: r.device_id,
          history: r.history.map((h) => ({ ip_address: h.ip_address, mac_address: h.mac_address.replace(/:/g, '-'), timestamp: falconTime(h.timestamp) })),
        })),
      };
    },
  } satisfies SomeFalconHandlers;
}
