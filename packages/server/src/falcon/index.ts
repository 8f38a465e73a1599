/**
 * The Falcon dialect (CrowdStrike's OAuth2, Hosts, Host Groups, Response Policies, RTR and RTR
 * library APIs): `falconPlugin` registers every `falcon` operation of the registry with its bearer
 * auth and its envelope; `falconErrorHandler` renders an error in that envelope, for the routes
 * outside any dialect (health, OpenAPI).
 */
export { falconPlugin } from './plugin.ts';
export { falconErrorHandler } from './errors.ts';
