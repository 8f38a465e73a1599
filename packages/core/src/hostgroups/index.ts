/**
 * Host groups: static (members added and removed by responders) and dynamic (members are the
 * hosts matching an FQL assignment rule, re-evaluated whenever hosts or the rule change).
 * Response policies attach to groups, so membership changes are announced on the event bus.
 */
export { HostGroupService, type HostGroup, type GroupType, type NewHostGroup, type HostGroupUpdate } from './host-group-service.ts';
export { hostGroupFqlSchema } from './fql-schema.ts';
