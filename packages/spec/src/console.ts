import { Type } from '@sinclair/typebox';
import type { Operation } from './operation.ts';

/**
 * The web console's own endpoints: its static files and its sign-in session. Everything else the
 * console does goes through the Falcon operations, authenticated by the session cookie.
 */
export const consoleOperations: Operation[] = [
  { operationId: 'ConsoleApp', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console', scope: null, summary: 'The web console (a single-page app).', successStatus: 200, produces: 'text/html' },
  { operationId: 'ConsoleAsset', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console/*', scope: null, summary: "The web console's static files; other paths under /console answer the app.", successStatus: 200, produces: 'text/html' },
  {
    operationId: 'ConsoleSignIn', collection: 'Console', dialect: 'internal', method: 'POST', path: '/console/api/session', scope: null,
    summary: 'Sign in to the console with a console user name and password; sets the session cookie and answers the CSRF token.',
    successStatus: 200,
    body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
  },
  {
    operationId: 'ConsoleChangePassword', collection: 'Console', dialect: 'internal', method: 'POST', path: '/console/api/password', scope: null,
    summary: "Change the signed-in console user's password (needs the current one and the X-CSRF-Token header).",
    successStatus: 204,
    body: Type.Object({ current_password: Type.String({ minLength: 1, maxLength: 1024 }), new_password: Type.String({ minLength: 12, maxLength: 1024 }) }, { additionalProperties: false }),
  },
  { operationId: 'ConsoleWhoAmI', collection: 'Console', dialect: 'internal', method: 'GET', path: '/console/api/session', scope: null, summary: "The signed-in console user, role, scopes and the session's CSRF token.", successStatus: 200 },
  { operationId: 'ConsoleSignOut', collection: 'Console', dialect: 'internal', method: 'DELETE', path: '/console/api/session', scope: null, summary: 'Sign out of the console (needs the X-CSRF-Token header).', successStatus: 204 },
];
