import type { Core, HostFacts, HostRecord } from '@riposte/core';
import { startTestServer, type TestServer } from './server.ts';

/** Register `n` hosts with varied, predictable facts (tests use core directly: enrollment comes with the agent). */
export async function seedHosts(core: Core, n: number, over: (i: number) => Partial<HostFacts> = () => ({})): Promise<HostRecord[]> {
  const out: HostRecord[] = [];
  const platforms = ['Windows', 'Linux', 'Mac'] as const;
  for (let i = 0; i < n; i++) {
    const platform_name = platforms[i % 3];
    out.push(
      await core.hosts.register({
        hostname: `host-${String(i).padStart(4, '0')}`,
        platform_name,
        os_version: platform_name === 'Windows' ? 'Windows 11' : platform_name === 'Linux' ? 'Debian 12' : 'macOS 14',
        local_ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        mac_address: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
        agent_version: i % 2 ? '1.2.0' : '1.1.0',
        ...over(i),
      }),
    );
  }
  return out;
}

/** A test server holding `n` seeded hosts, and a token of every scope for it. */
export async function startServerWithHosts(n: number): Promise<{ t: TestServer; token: string; hosts: HostRecord[] }> {
  const t = await startTestServer();
  try {
    return { t, token: await t.token(), hosts: await seedHosts(t.server.core, n) };
  } catch (err) {
    await t.close();
    throw err;
  }
}
