/**
 * The simulator: virtual hosts that answer the command vocabulary from a seeded model of a
 * machine (`SimulatedExecutor`), fleets of them each a real agent on the wire (`startFleet`,
 * `enrollFleet`, `splitFleet` and their options), and a simulated Active Directory domain
 * controller that reports a directory and a stream of authentications (`SimulatedDomain`,
 * `buildDirectory`, `AuthStream`).
 */
export { SimulatedExecutor } from './simulated-executor.ts';
export * from './fleet.ts';
export { SimulatedDomain, type SimulatedDomainOptions } from './domain-controller.ts';
export { buildDirectory, type Directory } from './identity-directory.ts';
export { AuthStream, SPRAY_ACCOUNTS, SPRAY_SOURCE } from './auth-stream.ts';
