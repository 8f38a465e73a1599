import type { AgentInventory } from '@riposte/spec';
import type { HostFacts, PlatformName } from '@riposte/core';
import { agentTags } from './agent-tags.ts';

const PLATFORM: Record<AgentInventory['platform'], PlatformName> = { linux: 'Linux', windows: 'Windows', mac: 'Mac' };

/** An agent's inventory report as host facts. */
export function inventoryToFacts(inv: AgentInventory, connectionIp?: string): HostFacts {
  const [major = '', minor = ''] = inv.kernel_version.split('.');
  return {
    hostname: inv.hostname,
    platform_name: PLATFORM[inv.platform],
    os_version: inv.os_version,
    os_product_name: inv.os_product_name,
    os_build: inv.os_build,
    kernel_version: inv.kernel_version,
    major_version: major,
    minor_version: minor,
    local_ip: inv.local_ip,
    connection_ip: connectionIp ?? inv.local_ip,
    external_ip: connectionIp ?? '',
    mac_address: inv.mac_address,
    machine_domain: inv.machine_domain,
    agent_version: inv.agent_version,
    system_manufacturer: inv.system_manufacturer,
    system_product_name: inv.system_product_name,
    cpu_vendor: inv.cpu_vendor,
    pointer_size: inv.pointer_size,
    chassis_type: inv.chassis_type,
    chassis_type_desc: inv.chassis_type_desc,
    product_type: inv.product_type,
    product_type_desc: inv.product_type_desc,
    last_reboot: inv.last_reboot,
    agent_local_time: inv.agent_local_time,
    host_utc_offset: inv.host_utc_offset,
    bios_manufacturer: inv.bios_manufacturer,
    bios_version: inv.bios_version,
    serial_number: inv.serial_number,
    // Always set: a machine that left its domain stops reporting them, and they are cleared.
    ou: ouList(inv.ou),
    site_name: inv.site_name ?? '',
    logins: inv.logins,
    tags: agentTags(inv.tags).accepted,
  };
}

/** OU names as stored (a JSON array, at most 1024 characters: the outermost go first when deep). */
function ouList(ou: string[] = []): string {
  const kept = [...ou];
  while (kept.length && JSON.stringify(kept).length > 1024) kept.pop();
  return kept.length ? JSON.stringify(kept) : '';
}
