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
export {
  ResponsePolicyService,
  type ResponsePolicy,
  type NewResponsePolicy,
  type ResponsePolicyUpdate,
  type PolicyActor,
  type PolicyAction,
  type PolicyQuery,
  type PolicyPage,
  type EffectivePolicy,
} from './policy-service.ts';
export {
  SETTINGS as RESPONSE_POLICY_SETTINGS,
  settingCategories,
  platformDefaultSettings,
  newPolicySettings,
  DEFAULT_POLICY_NAME,
  type PolicyPlatform,
  type PolicySettings,
  type SettingId,
  type SettingWrite,
  type SettingCategoryView,
} from './settings.ts';
export { responsePolicyFqlSchema } from './fql-schema.ts';
export { candidateSetId } from './candidate-sets.ts';
