import { describe, expect, it } from 'vitest';
import { organizationalUnits, windowsDirectoryFacts, type RegistryReader } from './windows-directory.ts';

describe('Active Directory placement of a Windows machine', () => {
  it('reads the OUs of the distinguished name, innermost first, unescaping commas', () => {
    expect(organizationalUnits('CN=PC-0042,OU=Laptops,OU=Sales\\, EMEA,OU=Workstations,DC=corp,DC=example,DC=com')).toEqual(['Laptops', 'Sales, EMEA', 'Workstations']);
    expect(organizationalUnits('CN=DC01,CN=Computers,DC=corp,DC=example,DC=com')).toEqual([]);
  });

  it('takes the fixed site over the discovered one, and reports nothing outside a domain', async () => {
    const registry = (values: Record<string, string>): RegistryReader => async (key, value) => values[`${key.split('\\').pop()}/${value}`];
    expect(
      await windowsDirectoryFacts(registry({ 'Machine/Distinguished-Name': 'CN=PC,OU=Lab,DC=x,DC=y', 'Parameters/DynamicSiteName': 'Berlin', 'Parameters/SiteName': 'HQ' })),
    ).toEqual({ ou: ['Lab'], site_name: 'HQ' });
    expect(await windowsDirectoryFacts(registry({ 'Parameters/DynamicSiteName': 'Berlin' }))).toEqual({ site_name: 'Berlin' });
    expect(await windowsDirectoryFacts(registry({}))).toEqual({});
  });
});
