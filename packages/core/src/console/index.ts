/** People signing in to the web console: local users, their roles (as API scopes) and their sessions. */
export { CONSOLE_ROLE_SCOPES, CONSOLE_ROLES, isConsoleRole, type ConsoleRole } from './roles.ts';
export { ConsoleUserService, ConsoleUserError, type ConsoleUser } from './console-users.ts';
export { ConsoleSessionService, CONSOLE_IDLE_MS, CONSOLE_MAX_MS, type ConsoleSession } from './console-sessions.ts';
