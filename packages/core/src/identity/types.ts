/** What the identity service is given by the gateway (the agent protocol's shapes, core's own names). */

export interface IdentityReport {
  domain: string;
  kind: 'DOMAIN_CONTROLLER' | 'LOCAL_ACCOUNTS';
  users?: {
    sam_account_name: string;
    display_name?: string;
    email?: string;
    ou?: string;
    department?: string;
    enabled: boolean;
    privileged: boolean;
    service_account: boolean;
    builtin_admin?: boolean;
    password_last_set?: string;
    password_never_expires?: boolean;
    last_logon?: string;
    created?: string;
    groups: string[];
  }[];
  groups?: { name: string; privileged: boolean }[];
  endpoints?: { host_name: string; ip?: string; os?: string; agent_id?: string }[];
  events?: {
    timestamp: string;
    user: string;
    source_ip?: string;
    source_host?: string;
    target_host?: string;
    protocol: string;
    result: 'SUCCESS' | 'FAILURE' | 'BLOCKED';
    service?: string;
    reason?: string;
  }[];
}

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

export interface IdentityBlock {
  user: string;
  source_ip?: string;
  source_host?: string;
  rule_id: string;
  rule_name: string;
}
