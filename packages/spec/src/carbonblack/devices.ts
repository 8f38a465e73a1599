import { Type } from '@sinclair/typebox';
import { defineOperations, type Operation } from '../operation.ts';
import { CB_ORG_PREFIX, OrgKey, OrgParams } from './common.ts';

/** Carbon Black Cloud Platform Devices API: what clients use to find a device before live response. */

const Strings = Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10_000 });
const Ids = Type.Array(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), { maxItems: 10_000 });
const TimeRange = Type.Object(
  { start: Type.Optional(Type.String({ maxLength: 64 })), end: Type.Optional(Type.String({ maxLength: 64 })), range: Type.Optional(Type.String({ maxLength: 16, description: '-{n}{s|m|h|d|w|y}' })) },
  { additionalProperties: false },
);

const Criteria = Type.Object(
  {
    id: Type.Optional(Ids),
    os: Type.Optional(Strings),
    status: Type.Optional(Strings),
    name: Type.Optional(Strings),
    last_contact_time: Type.Optional(TimeRange),
  },
  { additionalProperties: true, description: 'Lists of values per field; other fields of the vendor API are answered with a 400 naming them' },
);

const SearchBody = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 4096, description: 'Words matched against name, os and IP addresses' })),
    criteria: Type.Optional(Criteria),
    exclusions: Type.Optional(Criteria),
    rows: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    start: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: '1-based index of the first row' })),
    sort: Type.Optional(
      Type.Array(Type.Object({ field: Type.String({ maxLength: 64 }), order: Type.Optional(Type.String({ maxLength: 4 })) }, { additionalProperties: false }), { maxItems: 8 }),
    ),
  },
  { additionalProperties: false },
);

const Device = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  os: Type.String(),
  os_version: Type.String(),
  status: Type.String(),
  last_contact_time: Type.String(),
  last_internal_ip_address: Type.String(),
  sensor_states: Type.Array(Type.String()),
});

export const cbDeviceOperations = defineOperations([
  { operationId: 'CbSearchDevices', collection: 'Devices', dialect: 'carbonblack', method: 'POST', path: `${CB_ORG_PREFIX}/devices/_search`, scope: 'device:READ', summary: 'Search devices by criteria and query.', params: OrgParams, body: SearchBody, successStatus: 200, response: Type.Object({ results: Type.Array(Device), num_found: Type.Integer() }) },
  { operationId: 'CbGetDevice', collection: 'Devices', dialect: 'carbonblack', method: 'GET', path: `${CB_ORG_PREFIX}/devices/:device_id`, scope: 'device:READ', summary: 'One device by its numeric id.', params: Type.Object({ org_key: OrgKey, device_id: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }), successStatus: 200, response: Device },
]);
