/**
 * Commands: one unit of work for one agent, with a durable lifecycle
 * queued → sent → running → complete | error | cancelled | timed_out.
 * Dialects issue commands and wait for them; the agent gateway delivers them and reports back.
 */
export {
  CommandService,
  TERMINAL_STATUSES,
  IS_OPEN,
  OPEN_STATUSES,
  PENDING_PAGE,
  type CommandRecord,
  type IssueInput,
  type IssueManyResult,
  type IssueAlsoWrite,
  type AgentResult,
} from './command-service.ts';
export type { CommandStatus } from '../db/schema.ts';
