import type { Core } from '@riposte/core';
import type { FalconHandlers } from './call.ts';
import { oauth2Handlers } from './oauth2.ts';
import { hostHandlers } from './hosts.ts';
import { hostGroupHandlers } from './hostgroups.ts';
import { responsePolicyHandlers } from './response-policies.ts';
import { DeviceRenderCache } from './device-cache.ts';
import { rtrLibraryHandlers } from './rtr-library/index.ts';
import { rtrHandlers } from './rtr/index.ts';
import { identityHandlers } from './identity.ts';

/** Every Falcon-dialect handler, keyed by operationId. */
export function falconHandlers(core: Core): FalconHandlers {
  const devices = new DeviceRenderCache(core);
  return { ...oauth2Handlers(core), ...hostHandlers(core, devices), ...hostGroupHandlers(core, devices), ...responsePolicyHandlers(core, devices), ...rtrLibraryHandlers(core), ...rtrHandlers(core), ...identityHandlers(core) };
}
