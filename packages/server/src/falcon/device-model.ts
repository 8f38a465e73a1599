import type { EffectivePolicy, HostRecord } from '@riposte/core';

/** Falcon writes seconds-precision UTC timestamps. */
export function falconTime(iso: string | null | undefined): string | undefined {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : undefined;
}

const PLATFORM_ID: Record<string, string> = { Windows: '0', Mac: '1', Linux: '3' };

/** Falcon's MAC notation is dash-separated. */
function falconMac(mac: string): string {
  return mac.toLowerCase().replace(/:/g, '-');
}

/** A host as Falcon's `deviceapi.DeviceSwagger` (the shape GetDeviceDetailsV2 returns). */
export function toFalconDevice(h: HostRecord, cid: string, responsePolicy?: EffectivePolicy): Record<string, unknown> {
  const d: Record<string, unknown> = {
    device_id: h.device_id,
    cid,
    agent_load_flags: '0',
    agent_local_time: falconTime(h.last_seen),
    agent_version: h.agent_version,
    bios_manufacturer: h.bios_manufacturer,
    bios_version: h.bios_version,
    config_id_base: '',
    config_id_build: '',
    config_id_platform: PLATFORM_ID[h.platform_name] ?? '',
    connection_ip: h.connection_ip || h.local_ip,
    connection_mac_address: falconMac(h.connection_mac_address || h.mac_address),
    cpu_vendor: h.cpu_vendor,
    default_gateway_ip: h.default_gateway_ip,
    external_ip: h.external_ip,
    first_seen: falconTime(h.first_seen),
    group_hash: '',
    groups: h.groups,
    hostname: h.hostname,
    kernel_version: h.kernel_version,
    last_login_timestamp: falconTime(h.last_login_timestamp),
    last_login_user: h.last_login_user,
    last_seen: falconTime(h.last_seen),
    local_ip: h.local_ip,
    mac_address: falconMac(h.mac_address),
    machine_domain: h.machine_domain,
    major_version: h.major_version,
    minor_version: h.minor_version,
    modified_timestamp: falconTime(h.modified_timestamp),
    os_build: h.os_build,
    os_product_name: h.os_product_name,
    os_version: h.os_version,
    platform_id: PLATFORM_ID[h.platform_name] ?? '',
    platform_name: h.platform_name,
    pointer_size: h.pointer_size,
    product_type_desc: h.product_type_desc,
    provision_status: 'Provisioned',
    reduced_functionality_mode: 'no',
    serial_number: h.serial_number,
    status: h.status,
    system_manufacturer: h.system_manufacturer,
    system_product_name: h.system_product_name,
    tags: h.tags,
    host_hidden_status: h.hidden ? 'hidden' : 'visible',
    policies: responsePolicy ? [falconResponsePolicy(responsePolicy)] : [],
    device_policies: responsePolicy ? { remote_response: falconResponsePolicy(responsePolicy) } : {},
    meta: { version: '1' },
  };
  // Undefined fields are left out by JSON serialisation; deleting keys here would slow it down.
  return d;
}

/** Keep only the requested fields (CombinedDevicesByFilter `fields`); device_id always stays. */
export function pickFields(device: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields?.length) return device;
  const out: Record<string, unknown> = { device_id: device.device_id };
  for (const f of fields) if (f in device) out[f] = device[f];
  return out;
}

/** The host's effective response policy as a `DeviceDevicePolicy` (device_policies.remote_response). */
export function falconResponsePolicy(p: EffectivePolicy): Record<string, unknown> {
  return {
    policy_type: 'remote-response',
    policy_id: p.policy_id,
    applied: true,
    settings_hash: p.settings_hash,
    applied_date: falconTime(p.modified_timestamp),
  };
}
