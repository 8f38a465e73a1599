import type { Dialect, Operation } from './operation.ts';
import { oauth2Operations } from './falcon/oauth2.ts';
import { hostsOperations } from './falcon/hosts.ts';
import { hostGroupOperations } from './falcon/hostgroups.ts';
import { containmentOperations } from './falcon/containment.ts';
import { responsePolicyOperations } from './falcon/response-policies.ts';
import { rtrLibraryOperations } from './falcon/rtr-library.ts';
import { rtrOperations } from './falcon/rtr.ts';
import { identityOperations } from './falcon/identity.ts';
import { agentOperations } from './agent.ts';
import { internalOperations } from './internal.ts';
import { carbonBlackOperations } from './carbonblack/index.ts';
import { consoleOperations } from './console.ts';

/** Every operation riposte serves. The server registers routes only from this list. */
export const registry = [...oauth2Operations, ...hostsOperations, ...containmentOperations, ...hostGroupOperations, ...responsePolicyOperations, ...rtrLibraryOperations, ...rtrOperations, ...carbonBlackOperations, ...identityOperations, ...agentOperations, ...internalOperations, ...consoleOperations] as const;

/** One entry of the registry, with its literal operationId and schema types. */
export type RegisteredOperation = (typeof registry)[number];
export type OperationId = RegisteredOperation['operationId'];
/** The registry entry of one dialect. */
export type OperationOf<D extends Dialect> = Extract<RegisteredOperation, { dialect: D }>;

/** The registry as plain operations, for code that walks every entry alike. */
export const operations: readonly Operation[] = registry;

const byId = new Map(operations.map((op) => [op.operationId, op]));
if (byId.size !== operations.length) throw new Error('duplicate operationId in registry');

export function getOperation(operationId: string): Operation {
  const op = byId.get(operationId);
  if (!op) throw new Error(`unknown operation ${operationId}`);
  return op;
}

/** Every scope any operation asks for: what a fully privileged API client holds. */
export function allScopes(): string[] {
  return [...new Set(operations.filter((op) => op.dialect !== 'carbonblack').map((op) => op.scope).filter((s): s is string => s !== null && s.includes(':')))].sort();
}

/** The operation a method and path belong to, if any: no route may exist outside the registry. */
export function findOperation(method: string, path: string): Operation | undefined {
  return operations.find((op) => op.method === method && op.path === path);
}
