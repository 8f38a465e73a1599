import fs from 'node:fs/promises';
import type { Platform } from './types.ts';

/** SMBIOS chassis types (DMTF DSP0134 7.4.1), as /sys/class/dmi/id/chassis_type numbers them. */
const CHASSIS: Record<number, string> = {
  1: 'Other', 2: 'Unknown', 3: 'Desktop', 4: 'Low Profile Desktop', 5: 'Pizza Box', 6: 'Mini Tower', 7: 'Tower',
  8: 'Portable', 9: 'Laptop', 10: 'Notebook', 11: 'Hand Held', 12: 'Docking Station', 13: 'All in One',
  14: 'Sub Notebook', 15: 'Space-saving', 16: 'Lunch Box', 17: 'Main Server Chassis', 18: 'Expansion Chassis',
  19: 'SubChassis', 20: 'Bus Expansion Chassis', 21: 'Peripheral Chassis', 22: 'RAID Chassis', 23: 'Rack Mount Chassis',
  24: 'Sealed-case PC', 25: 'Multi-system chassis', 26: 'Compact PCI', 27: 'Advanced TCA', 28: 'Blade',
  29: 'Blade Enclosure', 30: 'Tablet', 31: 'Convertible', 32: 'Detachable', 33: 'IoT Gateway', 34: 'Embedded PC',
  35: 'Mini PC', 36: 'Stick PC',
};

export interface DeviceFacts {
  system_manufacturer?: string;
  system_product_name?: string;
  bios_manufacturer?: string;
  bios_version?: string;
  serial_number?: string;
  chassis_type?: string;
  chassis_type_desc?: string;
  product_type?: string;
  product_type_desc?: string;
  last_reboot?: string;
  agent_local_time: string;
  host_utc_offset: string;
}

/**
 * What the agent reads of the machine itself. Linux: DMI (/sys/class/dmi/id; the serial number
 * only when the agent may read it, usually as root), boot time from /proc/stat. A fact that
 * cannot be read is left out, never guessed. Windows and macOS report only the clock for now.
 */
export async function collectDeviceFacts(platform: Platform, dmiDir = '/sys/class/dmi/id', procStat = '/proc/stat'): Promise<DeviceFacts> {
  const now = new Date();
  const facts: DeviceFacts = { agent_local_time: now.toISOString(), host_utc_offset: utcOffset(now) };
  if (platform !== 'linux') return facts;
  const dmi = async (name: string) => (await fs.readFile(`${dmiDir}/${name}`, 'utf8').catch(() => '')).trim() || undefined;
  facts.system_manufacturer = await dmi('sys_vendor');
  facts.system_product_name = await dmi('product_name');
  facts.bios_manufacturer = await dmi('bios_vendor');
  facts.bios_version = await dmi('bios_version');
  facts.serial_number = await dmi('product_serial');
  const chassis = Number(await dmi('chassis_type'));
  if (CHASSIS[chassis]) {
    facts.chassis_type = String(chassis);
    facts.chassis_type_desc = CHASSIS[chassis];
  }
  // product_type is left out: Linux has no OS-reported product type (workstation/server), and a
  // constant would be a guess, not evidence.
  const btime = /^btime (\d+)$/m.exec(await fs.readFile(procStat, 'utf8').catch(() => ''));
  if (btime) facts.last_reboot = new Date(Number(btime[1]) * 1000).toISOString();
  for (const k of Object.keys(facts) as (keyof DeviceFacts)[]) if (facts[k] === undefined) delete facts[k];
  return facts;
}

/** `+01:00`, `-05:30`: the host's offset from UTC now. */
function utcOffset(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
