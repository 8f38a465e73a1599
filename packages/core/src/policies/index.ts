/**
 * Response policies: per platform, ordered by precedence, attached to host groups; their
 * settings decide what responders may do on a host. Enforced through the response guard on
 * every session and every command of every dialect, not only stored.
 *
 * The effective policy of a host is the first ENABLED policy, in its platform's precedence
 * order, attached to one of the host's groups (static or dynamic), else the platform's
 * `platform_default`. It is kept in the database (see candidate-sets.ts), read once per check,
 * never cached in a process: a change on any replica decides the next command on all of them.
 */
import type { IdPage, PageQuery } from '../fql/index.ts';
import type { HostGroup } from '../hostgroups/index.ts';
import type { PlatformName } from '../platform.ts';
import type { PolicySettings, SettingWrite } from './settings.ts';

export { ResponsePolicyService } from './policy-service.ts';
export type { PolicyTables } from './tables.ts';

export interface ResponsePolicy {
  id: string;
  platform_name: PlatformName;
  name: string;
  description: string;
  enabled: boolean;
  /** The platform's `platform_default`: always enabled, always last, applies to every host no other policy claims. */
  is_default: boolean;
  /** 1 = highest among the platform's policies. */
  precedence: number;
  /** Exactly the platform's settings. */
  settings: PolicySettings;
  /** Host groups the policy is attached to, in the order they were attached. */
  groups: HostGroup[];
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
}

export interface NewResponsePolicy {
  name: string;
  /** Windows, Mac or Linux (any case). */
  platform_name: string;
  description?: string;
  settings?: SettingWrite[];
  /** Start from this policy's settings (and description, unless one is given); same platform only. */
  clone_id?: string;
}

export interface ResponsePolicyUpdate {
  id: string;
  name?: string;
  description?: string;
  settings?: SettingWrite[];
}

export type PolicyAction = 'enable' | 'disable' | 'add-host-group' | 'remove-host-group' | 'add-rule-group' | 'remove-rule-group';

export type PolicyQuery = PageQuery;
export type PolicyPage = IdPage;

/** The policy that decides for a host, as the device model reports it. */
export interface EffectivePolicy {
  device_id: string;
  policy_id: string;
  policy_name: string;
  platform_name: string;
  is_default: boolean;
  /** Short digest of the settings: changes whenever what the policy allows changes. */
  settings_hash: string;
  /** When the policy's settings last changed. */
  modified_timestamp: string;
  /** Its RealTimeFunctionality setting: whether RTR sessions may be opened on the host at all. */
  real_time_functionality: boolean;
}
export {
  SETTINGS as RESPONSE_POLICY_SETTINGS,
  settingCategories,
  platformDefaultSettings,
  newPolicySettings,
  DEFAULT_POLICY_NAME,
  type PolicySettings,
  type SettingId,
  type SettingWrite,
  type SettingCategoryView,
} from './settings.ts';
export { responsePolicyFqlSchema } from './fql-schema.ts';
export { candidateSetId } from './candidate-sets.ts';
