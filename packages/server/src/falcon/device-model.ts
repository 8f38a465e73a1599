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
    agent_local_time: h.agent_local_time || undefined,
    agent_version: h.agent_version,
    bios_manufacturer: h.bios_manufacturer || undefined,
    bios_version: h.bios_version || undefined,
    chassis_type: h.chassis_type || undefined,
    chassis_type_desc: h.chassis_type_desc || undefined,
    config_id_base: '',
    config_id_build: '',
    config_id_platform: PLATFORM_ID[h.platform_name] ?? '',
    connection_ip: h.connection_ip || h.local_ip,
    connection_mac_address: falconMac(h.connection_mac_address || h.mac_address),
    cpu_vendor: h.cpu_vendor,
    default_gateway_ip: h.default_gateway_ip,
    external_ip: h.external_ip,
    first_login_timestamp: falconTime(h.first_login_timestamp),
    first_login_user: h.first_login_user || undefined,
    first_seen: falconTime(h.first_seen),
    group_hash: '',
    groups: h.groups,
    hostname: h.hostname,
    kernel_version: h.kernel_version,
    last_login_timestamp: falconTime(h.last_login_timestamp),
    last_login_user: h.last_login_user || undefined,
    last_reboot: h.last_reboot ? falconTime(h.last_reboot) : undefined,
    host_utc_offset: h.host_utc_offset || undefined,
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
    product_type: h.product_type || undefined,
    product_type_desc: h.product_type_desc || undefined,
    provision_status: 'Provisioned',
    reduced_functionality_mode: 'no',
    // Whether RTR is enabled on the host: its effective response policy's RealTimeFunctionality.
    rtr_state: responsePolicy ? (responsePolicy.real_time_functionality ? 'enabled' : 'disabled') : undefined,
    serial_number: h.serial_number || undefined,
    // Windows agents of domain-joined machines only: no other OS records them.
    ou: h.ou ? (JSON.parse(h.ou) as string[]) : undefined,
    site_name: h.site_name || undefined,
    status: h.status,
    // riposte's own: why the agent could not apply (or lift) containment.
    containment_failed: h.containment_failed || undefined,
    detection_suppression_status: h.detection_suppressed ? 'suppressed' : 'unsuppressed',
    system_manufacturer: h.system_manufacturer || undefined,
    system_product_name: h.system_product_name || undefined,
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
