/**
 * Hosts: the enrolled endpoints. Registered and updated by agent enrollment and inventory
 * reports; queried by FQL; tagged; contained or hidden by responders.
 */
export { HostService, isOnline, isValidTag, ONLINE_WINDOW_MS, type HostRecord, type HostFacts, type WelcomeItem, type HostQuery, type HostPage, type HostPlatform, type LoginEvent } from './host-service.ts';
export { hostFqlSchema, hostQueryFqlSchema } from './fql-schema.ts';
export { AgentRevocations } from './agent-revocations.ts';
export { HostDeletion, type DeletionActor, type DeletionRequest, type DeletionResult } from './host-deletion.ts';
