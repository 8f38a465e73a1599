/**
 * The console's signed-in session, as every part of the server sees it: the cookie that carries it
 * (set by the console's sign-in routes) and the principal a request with it acts as (accepted by
 * the API dialects' auth hooks, so the console drives the same operations as an API client).
 */
export { readCookie, sessionCookie, SESSION_COOKIE } from './cookies.ts';
export { consoleActor, consolePrincipal, type ConsoleAuth } from './principal.ts';
