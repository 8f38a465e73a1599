/**
 * Console roles, as the vendor's console names them, mapped to the API scopes an API client
 * would need for the same work: the console calls the same operations with the same scope checks,
 * so a role can do nothing the API would refuse to a client holding these scopes.
 */
const READ = ['devices:read', 'host-group:read', 'real-time-response:read', 'real-time-response-audit:read', 'response-policies:read'];

export const CONSOLE_ROLE_SCOPES = {
  'read-only': READ,
  'active-responder': [...READ, 'real-time-response:write'],
  admin: [...READ, 'devices:write', 'host-group:write', 'real-time-response:write', 'real-time-response-admin:write'],
  'policy-admin': [...READ, 'host-group:write', 'response-policies:write'],
} as const satisfies Record<string, readonly string[]>;

export type ConsoleRole = keyof typeof CONSOLE_ROLE_SCOPES;
export const CONSOLE_ROLES = Object.keys(CONSOLE_ROLE_SCOPES) as ConsoleRole[];

export function isConsoleRole(role: string): role is ConsoleRole {
  return Object.prototype.hasOwnProperty.call(CONSOLE_ROLE_SCOPES, role);
}
