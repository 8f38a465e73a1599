import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDeviceFacts } from './device-facts.ts';

describe('device facts', () => {
  it('reads DMI and the boot time; leaves out what it cannot read', async () => {
    const dmi = fs.mkdtempSync(path.join(os.tmpdir(), 'dmi-'));
    for (const [name, value] of Object.entries({ sys_vendor: 'Acme\n', product_name: 'Box 9\n', bios_vendor: 'Acme BIOS\n', bios_version: '1.2.3\n', chassis_type: '10\n' })) {
      fs.writeFileSync(path.join(dmi, name), value);
    }
    const stat = path.join(dmi, 'stat');
    fs.writeFileSync(stat, 'cpu  1 2 3\nbtime 1764892800\nprocesses 5\n');
    const facts = await collectDeviceFacts('linux', dmi, stat);
    expect(facts).toMatchObject({
      system_manufacturer: 'Acme',
      system_product_name: 'Box 9',
      bios_manufacturer: 'Acme BIOS',
      bios_version: '1.2.3',
      chassis_type: '10',
      chassis_type_desc: 'Notebook',
      last_reboot: '2025-12-05T00:00:00.000Z',
      host_utc_offset: expect.stringMatching(/^[+-]\d\d:\d\d$/),
    });
    expect(facts).not.toHaveProperty('serial_number'); // product_serial absent (root-only on real hosts)
    const none = await collectDeviceFacts('linux', path.join(dmi, 'missing'), path.join(dmi, 'missing'));
    expect(Object.keys(none).sort()).toEqual(['agent_local_time', 'host_utc_offset']);
    expect(Object.keys(await collectDeviceFacts('windows')).sort()).toEqual(['agent_local_time', 'host_utc_offset']);
  });
});
