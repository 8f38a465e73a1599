/**
 * The console's server side: its login and session routes, the admin routes behind the console's
 * admin role (API clients, enrollment tokens) and the built single-page app under /console. Each `register*`
 * takes the app; the console's session is checked by console-auth/, which the API dialects share.
 */
export { registerConsoleSessionRoutes } from './session-routes.ts';
export { registerConsoleAdminRoutes } from './admin-routes.ts';
export { registerConsoleStatic } from './static-files.ts';
