/**
 * Hosts: the enrolled endpoints. Registered and updated by agent enrollment and inventory
 * reports; queried by FQL; tagged; contained or hidden by responders.
 */
import type { Selectable } from 'kysely';
import type { PlatformName } from '../platform.ts';
import type { HostsTable } from '../db/index.ts';
import type { IdPage } from '../fql/index.ts';

export { HostService } from './host-service.ts';
export { isOnline, ONLINE_WINDOW_MS } from './presence.ts';
export { isValidTag } from './facts.ts';
export { hostFqlSchema, hostQueryFqlSchema } from './fql-schema.ts';
export { HostDeletion, type DeletionRequest, type DeletionResult } from './host-deletion.ts';
export { AgentRevocations } from './agent-revocations.ts';


/** One connecting agent's report, for welcomeMany. */
export interface WelcomeItem {
  device_id: string;
  facts: HostFacts;
  /** Set by welcomeMany when this item could not be applied. */
  error?: Error;
}

/** What an agent (or an import) says about a host. */
export interface HostFacts {
  hostname: string;
  platform_name: PlatformName;
  os_version?: string;
  os_product_name?: string;
  os_build?: string;
  kernel_version?: string;
  major_version?: string;
  minor_version?: string;
  product_type_desc?: string;
  local_ip?: string;
  external_ip?: string;
  connection_ip?: string;
  mac_address?: string;
  connection_mac_address?: string;
  default_gateway_ip?: string;
  machine_domain?: string;
  agent_version?: string;
  system_manufacturer?: string;
  system_product_name?: string;
  serial_number?: string;
  cpu_vendor?: string;
  bios_manufacturer?: string;
  bios_version?: string;
  pointer_size?: string;
  chassis_type?: string;
  chassis_type_desc?: string;
  product_type?: string;
  last_reboot?: string;
  host_utc_offset?: string;
  /** Active Directory organizational units (a JSON array of names, innermost first) and site. */
  ou?: string;
  site_name?: string;
  /** The agent's clock when it reported (changes every report: not a change of the host). */
  agent_local_time?: string;
  /** Logins the agent read from the OS's own records; each is recorded once. */
  logins?: LoginEvent[];
  /** Tags the agent asks for (e.g. SimulatedHost); merged, never removed by inventory. */
  tags?: string[];
}

/** One login (or failed attempt) from the host's own records. */
export interface LoginEvent {
  user_name: string;
  /** ISO-8601 UTC. */
  login_time: string;
  /** Interactive, Remote interactive, Elevation, … */
  login_type: string;
  remote_address?: string;
  success: boolean;
}

export type HostRecord = Omit<Selectable<HostsTable>, 'agent_secret_hash' | 'online' | 'hidden' | 'revision' | 'detection_suppressed'> & {
  online: boolean;
  hidden: boolean;
  detection_suppressed: boolean;
  tags: string[];
  groups: string[];
};

export interface HostQuery {
  filter?: string;
  sort?: string;
  offset?: number;
  limit?: number;
  /** Hidden hosts are left out unless asked for. */
  includeHidden?: boolean;
  /** Only hidden hosts. */
  onlyHidden?: boolean;
}

export type HostPage = IdPage;

/** Hooks run (awaited) after hosts change, e.g. dynamic group re-evaluation. */
export type HostChangeHook = (deviceIds: string[]) => Promise<void>;
