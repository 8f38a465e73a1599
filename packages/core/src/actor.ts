/**
 * Who does something, as created_by/modified_by fields and the audit trail record it: an API
 * client or Carbon Black API key (its id owns what it creates, such as RTR sessions), a console
 * user, an operator at the CLI, an agent, or riposte itself.
 */
export interface Actor {
  id: string;
  /** Shown as created_by/modified_by and in the audit trail; the id stands in when absent. */
  name?: string;
}

/** riposte acting on its own (a deleted group detached from its policies, an expired token). */
export const SYSTEM_ACTOR = { id: 'system', name: 'riposte' } as const satisfies Actor;

export function actorName(actor: Actor): string {
  return actor.name || actor.id;
}
