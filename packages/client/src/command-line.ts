// Pure helpers about RTR command lines and tiers, with no Node imports: the web console uses them too.

export type Tier = 'read' | 'active' | 'admin';

/** Scopes that allow each tier, highest first. */
const TIER_SCOPES: [Tier, string][] = [
  ['admin', 'real-time-response-admin:write'],
  ['active', 'real-time-response:write'],
  ['read', 'real-time-response:read'],
];

/** The highest tier a list of scopes allows. */
export function tierOf(scopes: readonly string[]): Tier | undefined {
  return TIER_SCOPES.find(([, scope]) => scopes.includes(scope))?.[0];
}

/** The first word of a command line: the base command. */
export function baseCommand(line: string): string {
  return line.trim().split(/\s+/)[0] ?? '';
}

/** Quote a path for an RTR command line. */
export function quoteArg(s: string): string {
  return /[\s"']/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s;
}
