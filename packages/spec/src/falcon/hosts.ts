import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { ActionParameter, IdsQuery, listQuery, Sort, Filter, Limit } from './common.ts';

const collection = 'Hosts';

export const Device = Type.Object(
  {
    device_id: Type.String(),
    cid: Type.String(),
    hostname: Type.String(),
    platform_name: Type.String(),
    os_version: Type.String(),
    status: Type.String(),
    groups: Type.Array(Type.String()),
    tags: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);

const IdsBody = (max: number) =>
  Type.Object({ ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: max }) }, {
    additionalProperties: false,
  });

const combinedQuery = Type.Object(
  {
    filter: Type.Optional(Filter),
    sort: Type.Optional(Sort),
    // A number, or the `next` token of the previous page.
    offset: Type.Optional(Type.String({ maxLength: 512 })),
    limit: Type.Optional(Limit(10000)),
    fields: Type.Optional(IdsQuery(200, Type.String({ minLength: 1, maxLength: 64 }))),
  },
  { additionalProperties: false },
);

/** FQL-style (`now-7d`) or RFC 3339 dates, as the vendor's login history takes them. */
const HistoryDate = Type.String({ minLength: 1, maxLength: 64 });

export const hostsOperations = defineOperations([
  {
    operationId: 'QueryDevicesByFilter',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/queries/devices/v1',
    scope: 'devices:read',
    summary: 'Search for hosts by FQL filter; returns device ids.',
    query: Type.Object(listQuery(5000), { additionalProperties: false }),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'QueryDevicesByFilterScroll',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/queries/devices-scroll/v1',
    scope: 'devices:read',
    summary: 'Search for hosts with continuous pagination: `offset` is the token from the previous page (expires after 2 minutes).',
    query: Type.Object(
      {
        filter: Type.Optional(Filter),
        sort: Type.Optional(Sort),
        offset: Type.Optional(Type.String({ maxLength: 512 })),
        limit: Type.Optional(Limit(10000)),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'QueryHiddenDevices',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/queries/devices-hidden/v1',
    scope: 'devices:read',
    summary: 'Search hidden hosts by FQL filter; returns device ids.',
    query: Type.Object(listQuery(5000), { additionalProperties: false }),
    successStatus: 200,
    response: Type.String(),
  },
  {
    operationId: 'CombinedHiddenDevicesByFilter',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/combined/devices-hidden/v1',
    scope: 'devices:read',
    summary: 'Search hidden hosts by FQL filter; returns full device records (optionally only `fields`).',
    query: combinedQuery,
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'CombinedDevicesByFilter',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/combined/devices/v1',
    scope: 'devices:read',
    summary: 'Search for hosts by FQL filter; returns full device records (optionally only `fields`).',
    query: combinedQuery,
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'GetDeviceDetailsV1',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/entities/devices/v1',
    scope: 'devices:read',
    summary: 'Details of up to 100 hosts by device id (deprecated by the vendor in favour of v2; same records).',
    query: Type.Object({ ids: IdsQuery(100) }, { additionalProperties: false }),
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'GetDeviceDetailsV2',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/entities/devices/v2',
    scope: 'devices:read',
    summary: 'Details of up to 100 hosts by device id.',
    query: Type.Object({ ids: IdsQuery(100) }, { additionalProperties: false }),
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'PostDeviceDetailsV2',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/entities/devices/v2',
    scope: 'devices:read',
    summary: 'Details of up to 5,000 hosts by device id.',
    body: IdsBody(5000),
    successStatus: 200,
    response: Device,
  },
  {
    operationId: 'GetOnlineState_V1',
    collection,
    dialect: 'falcon',
    method: 'GET',
    path: '/devices/entities/online-state/v1',
    scope: 'devices:read',
    summary: 'Online state (online, offline, unknown) of up to 100 hosts.',
    query: Type.Object({ ids: IdsQuery(100) }, { additionalProperties: false }),
    successStatus: 200,
    response: Type.Object({ id: Type.String(), state: Type.String() }),
  },
  {
    operationId: 'UpdateDeviceTags',
    collection,
    dialect: 'falcon',
    method: 'PATCH',
    path: '/devices/entities/devices/tags/v1',
    scope: 'devices:write',
    summary: 'Add or remove FalconGroupingTags on hosts.',
    body: Type.Object(
      {
        action: Type.Union([Type.Literal('add'), Type.Literal('remove')]),
        device_ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 5000 }),
        tags: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 100 }),
      },
      { additionalProperties: false },
    ),
    successStatus: 202,
    response: Type.Object({ device_id: Type.String(), code: Type.Integer(), updated: Type.Boolean() }),
  },
  {
    operationId: 'PerformActionV2',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/entities/devices-actions/v2',
    scope: 'devices:write',
    summary: 'Contain, lift containment, hide or unhide hosts, suppress or unsuppress their detections.',
    query: Type.Object(
      {
        action_name: Type.Union([
          Type.Literal('contain'),
          Type.Literal('lift_containment'),
          Type.Literal('hide_host'),
          Type.Literal('unhide_host'),
          Type.Literal('detection_suppress'),
          Type.Literal('detection_unsuppress'),
        ]),
      },
      { additionalProperties: false },
    ),
    body: Type.Object(
      {
        ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 5000 }),
        action_parameters: Type.Optional(Type.Array(ActionParameter, { maxItems: 10 })),
      },
      { additionalProperties: false },
    ),
    successStatus: 202,
    response: Type.Object({ id: Type.String(), path: Type.String() }),
  },
  {
    operationId: 'DevicesActionsDeleteV1',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/entities/devices-actions-delete/v1',
    scope: 'delete-managed-assets:write',
    summary:
      'Permanently delete hidden hosts, by `ids` and/or an FQL `filter` (over hidden hosts; with ids, it narrows them). Their agents are revoked. Visible hosts are refused: hide them first.',
    body: Type.Object(
      {
        ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 5000 })),
        filter: Type.Optional(Filter),
        action_parameters: Type.Optional(Type.Array(ActionParameter, { maxItems: 10 })),
      },
      { additionalProperties: false },
    ),
    successStatus: 200,
    response: Type.Object({ id: Type.String(), path: Type.String() }),
  },
  {
    operationId: 'QueryDeviceLoginHistory',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/combined/devices/login-history/v1',
    scope: 'devices:read',
    summary: 'Recent logins on hosts (up to 10 per host).',
    body: IdsBody(100),
    successStatus: 200,
  },
  {
    operationId: 'QueryDeviceLoginHistoryV2',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/combined/devices/login-history/v2',
    scope: 'devices:read',
    summary: 'Logins on hosts in a time range.',
    query: Type.Object(
      {
        from: Type.Optional(HistoryDate),
        to: Type.Optional(HistoryDate),
        limit: Type.Optional(Limit(100)),
      },
      { additionalProperties: false },
    ),
    body: IdsBody(100),
    successStatus: 200,
  },
  {
    operationId: 'QueryGetNetworkAddressHistoryV1',
    collection,
    dialect: 'falcon',
    method: 'POST',
    path: '/devices/combined/devices/network-address-history/v1',
    scope: 'devices:read',
    summary: 'History of IP and MAC addresses seen on hosts.',
    body: IdsBody(500),
    successStatus: 200,
  },
]);

