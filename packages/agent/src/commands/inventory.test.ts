import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { OsExecutor } from './os-executor.ts';

describe('inventory', () => {
  it('describes this host', async () => {
    const inv = await new OsExecutor({ agentVersion: '1.2.3' }).inventory();
    expect(inv).toMatchObject({
      hostname: os.hostname(),
      platform: 'linux',
      kernel_version: os.release(),
      agent_version: '1.2.3',
      pointer_size: '8',
      tags: [],
    });
    expect(inv.os_version).toMatch(/^[A-Z][\w ]* \d+(\.\d+)*$/); // "Debian 12", "Ubuntu 22.04"
    expect(inv.os_product_name).not.toBe('');
    expect(inv).not.toHaveProperty('users');
    expect(Array.isArray(inv.logins)).toBe(true);
    expect(inv.last_reboot).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Math.abs(Date.parse(inv.agent_local_time!) - Date.now())).toBeLessThan(60_000);
    expect(inv.cpu_vendor).not.toBe('');
    const ipv4 = Object.values(os.networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
    expect(inv.local_ip).toBe(ipv4?.address ?? '');
    expect(inv.mac_address).toBe(ipv4?.mac ?? '');
    for (const i of inv.interfaces) expect(Object.keys(i).sort()).toEqual(['ip', 'mac', 'name']);
    expect(typeof inv.system_manufacturer).toBe('string'); // '' in containers without DMI
  });
});
