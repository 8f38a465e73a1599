import type { IdentityBlock, IdentityReportFrame } from '@riposte/spec';

/**
 * What the identity service is given by the gateway: a sensor's report and the blocks sent back
 * are the agent protocol's own shapes, so they have one definition, in spec.
 */
export type IdentityReport = IdentityReportFrame;
export type { IdentityBlock };

/** The host a sensor runs on, as the host registry knows it. */
export interface SensorHost {
  device_id: string;
  hostname: string;
  local_ip: string;
  machine_domain: string;
  os_version: string;
  platform_name: string;
  agent_version: string;
}
