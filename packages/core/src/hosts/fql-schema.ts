import { sql } from 'kysely';
import type { FqlSchema, FqlField } from '../fql/index.ts';

const text = (column?: string): FqlField => ({ type: 'string', ...(column ? { column } : {}) });

/** The vendor's device policy kinds other than remote_response: riposte has none of them. */
const OTHER_POLICY_KINDS = /^device_policies\.(?!remote_response\.)([a-z_]+)\./;

/** Properties a host filter may name (Falcon device field names). */
export const hostFqlSchema: FqlSchema = {
  refusal: (property) =>
    /^(device_)?policies\./.test(property)
      ? 'a host group assignment_rule cannot depend on policies (they follow from group membership)'
      : undefined,
  table: 'hosts',
  key: 'device_id',
  fields: {
    device_id: { type: 'string', caseInsensitive: false },
    aid: { type: 'string', column: 'device_id', caseInsensitive: false },
    hostname: text(),
    platform_name: text(),
    os_version: text(),
    os_product_name: text(),
    os_build: text(),
    kernel_version: text(),
    major_version: text(),
    minor_version: text(),
    product_type_desc: text(),
    local_ip: text(),
    'local_ip.raw': text('local_ip'),
    external_ip: text(),
    'external_ip.raw': text('external_ip'),
    connection_ip: text(),
    mac_address: text(),
    connection_mac_address: text(),
    default_gateway_ip: text(),
    machine_domain: text(),
    agent_version: text(),
    system_manufacturer: text(),
    system_product_name: text(),
    serial_number: text(),
    cpu_vendor: text(),
    bios_manufacturer: text(),
    bios_version: text(),
    last_login_user: text(),
    first_login_user: text(),
    // '' until the agent reports one; ISO text otherwise, so it compares as a date string.
    first_login_timestamp: text(),
    last_reboot: text(),
    chassis_type: text(),
    chassis_type_desc: text(),
    product_type: text(),
    host_utc_offset: text(),
    site_name: text(),
    status: text(),
    first_seen: { type: 'date' },
    last_seen: { type: 'date' },
    modified_timestamp: { type: 'date' },
    last_login_timestamp: { type: 'date', nullable: true },
    cb_device_id: { type: 'number' },
    online: { type: 'boolean', sortable: true },
    tags: { type: 'string', many: { table: 'host_tags', ownerColumn: 'device_id', valueColumn: 'tag' }, caseInsensitive: false },
    groups: { type: 'string', many: { table: 'host_group_members', ownerColumn: 'device_id', valueColumn: 'group_id' }, caseInsensitive: false },
  },
};

/** The host's effective response policy, joined per host row (NULL while it has none). */
const effective = (column: 's.policy_id' | 'p.modified_timestamp') => sql`(select ${sql.ref(column)}
  from hosts_effective_policy e
  join response_policy_sets s on s.id = e.set_id
  join response_policies p on p.id = s.policy_id
  where e.device_id = hosts.device_id)`;

/**
 * The device's `device_policies.remote_response` (and `policies[]`, whose one entry it is), as
 * the device model renders it, each field computed from the effective response policy.
 */
const responsePolicyFields = (prefix: string): Record<string, FqlField> => ({
  [`${prefix}.policy_id`]: { type: 'string', expression: effective('s.policy_id'), caseInsensitive: false, nullable: true },
  [`${prefix}.policy_type`]: {
    type: 'string',
    expression: sql`(select 'remote-response' from hosts_effective_policy e where e.device_id = hosts.device_id)`,
    nullable: true,
  },
  [`${prefix}.applied`]: { type: 'boolean', expression: sql`(select 1 from hosts_effective_policy e where e.device_id = hosts.device_id)`, nullable: true },
  [`${prefix}.applied_date`]: { type: 'date', expression: effective('p.modified_timestamp'), nullable: true },
});

/**
 * Host queries (QueryDevicesByFilter and kin, policy members, group actions): every host field,
 * plus the device policy fields riposte has data for. Other policy fields are refused, saying why.
 */
export const hostQueryFqlSchema: FqlSchema = {
  ...hostFqlSchema,
  fields: { ...hostFqlSchema.fields, ...responsePolicyFields('device_policies.remote_response'), ...responsePolicyFields('policies') },
  refusal: (property) => {
    const other = OTHER_POLICY_KINDS.exec(property);
    if (other) return `riposte has no ${other[1]} policies: device_policies holds remote_response (the effective response policy) only`;
    if (/^(device_)?policies\./.test(property)) {
      return 'of the response policy riposte knows policy_id, policy_type, applied and applied_date (settings_hash is computed, not stored)';
    }
    return undefined;
  },
};
