import { Type } from '@sinclair/typebox';
import { defineOperations } from './operation.ts';

/** A console sign-in: a console user's name and password. */
export const ConsoleSignInBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });

/** A password change; the length rule (12 characters or more) is core's, which says so when it is not met. */
export const ConsoleChangePasswordBody = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: 1024 }), new_password: Type.String({ minLength: 1, maxLength: 1024, description: 'at least 12 characters' }) },
  { additionalProperties: false },
);

/**
 * The web console's own endpoints: its static files and its sign-in session. Everything else the
 * console does goes through the Falcon operations, authenticated by the session cookie.
 */
export const consoleOperations = defineOperations([
  { operationId: 'ConsoleApp', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console', scope: null, summary: 'The web console (a single-page app).', successStatus: 200, produces: 'text/html' },
  { operationId: 'ConsoleAsset', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console/*', scope: null, summary: "The web console's static files; other paths under /console answer the app.", successStatus: 200, produces: 'text/html' },
  {
    operationId: 'ConsoleSignIn', collection: 'Console', dialect: 'internal', method: 'POST', path: '/console/api/session', scope: null,
    summary: 'Sign in to the console with a console user name and password; sets the session cookie and answers the CSRF token.',
    successStatus: 200,
    body: ConsoleSignInBody,
  },
  {
    operationId: 'ConsoleChangePassword', collection: 'Console', dialect: 'internal', method: 'POST', path: '/console/api/password', scope: null,
    summary: "Change the signed-in console user's password (needs the current one and the X-CSRF-Token header).",
    successStatus: 204,
    body: ConsoleChangePasswordBody,
  },
  { operationId: 'ConsoleWhoAmI', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console/api/session', scope: null, summary: "The signed-in console user, role, scopes and the session's CSRF token.", successStatus: 200 },
  { operationId: 'ConsoleSignOut', collection: 'Console', dialect: 'internal', method: 'DELETE', path: '/console/api/session', scope: null, summary: 'Sign out of the console (needs the X-CSRF-Token header).', successStatus: 204 },
  // Administration of API clients and enrollment tokens: admin role only (checked by the route, as these have no Falcon scope).
  { operationId: 'ConsoleListApiClients', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console/api/api-clients', scope: null, summary: 'API clients (never their secrets); console admin role only.', successStatus: 200 },
  {
    operationId: 'ConsoleCreateApiClient', collection: 'Console', dialect: 'internal', method: 'POST', path: '/console/api/api-clients', scope: null,
    summary: 'Create an API client; answers its secret once. Console admin role and X-CSRF-Token.',
    successStatus: 201,
    body: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255 }),
        description: Type.Optional(Type.String({ maxLength: 1024 })),
        scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 64 }),
      },
      { additionalProperties: false },
    ),
  },
  {
    operationId: 'ConsoleDeleteApiClient', collection: 'Console', dialect: 'internal', method: 'DELETE', path: '/console/api/api-clients', scope: null,
    summary: 'Delete an API client (its tokens stop working). Console admin role and X-CSRF-Token.',
    successStatus: 204,
    query: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  },
  { operationId: 'ConsoleListEnrollTokens', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console/api/enroll-tokens', scope: null, summary: 'Agent enrollment tokens (never the tokens themselves); console admin role only.', successStatus: 200 },
  {
    operationId: 'ConsoleCreateEnrollToken', collection: 'Console', dialect: 'internal', method: 'POST', path: '/console/api/enroll-tokens', scope: null,
    summary: 'Create an agent enrollment token; answers the token once. Console admin role and X-CSRF-Token.',
    successStatus: 201,
    body: Type.Object(
      {
        description: Type.Optional(Type.String({ maxLength: 1024 })),
        expires_at: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        max_uses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
        tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 64 })),
      },
      { additionalProperties: false },
    ),
  },
  {
    operationId: 'ConsoleRevokeEnrollToken', collection: 'Console', dialect: 'internal', method: 'DELETE', path: '/console/api/enroll-tokens', scope: null,
    summary: 'Revoke an agent enrollment token (hosts it enrolled stay). Console admin role and X-CSRF-Token.',
    successStatus: 204,
    query: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  },
]);
