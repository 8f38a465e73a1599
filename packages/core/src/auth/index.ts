/**
 * Who may call the API: API clients (id + secret + scopes), the bearer tokens issued to them,
 * and the enrollment tokens agents present once to join.
 */
export { ApiClientService, type ApiClient, type CreatedApiClient } from './api-clients.ts';
export { TokenService, TOKEN_LIFETIME_SECONDS, type IssuedToken, type TokenPrincipal } from './tokens.ts';
export { EnrollmentTokenService, type EnrollToken, type CreateEnrollTokenInput, type EnrollmentOutcome } from './enroll-tokens.ts';
