import { RESPONSE_POLICY_SETTINGS, type Core } from '@riposte/core';

/**
 * Turn on every setting of the platform_default response policies. Fresh servers ship the
 * vendor's defaults (remote connection on; custom scripts and high-risk commands such as get,
 * put and run off): tests that drive those commands on agents without testing policies call this.
 */
export async function allowAllResponseCommands(core: Core): Promise<void> {
  const page = await core.responsePolicies.query({ filter: "name:'platform_default'" });
  const defaults = await core.responsePolicies.get(page.ids);
  await core.responsePolicies.update(
    defaults.map((p) => ({
      id: p.id,
      settings: RESPONSE_POLICY_SETTINGS.filter((s) => s.platforms.includes(p.platform_name)).map((s) => ({ id: s.id, value: { enabled: true } })),
    })),
    { id: 'test', name: 'test setup' },
  );
}
