/**
 * Commands: one unit of work for one agent, with a durable lifecycle
 * queued → sent → running → complete | error | cancelled | timed_out.
 * Dialects issue commands and wait for them; the agent gateway delivers them and reports back.
 */
import type { Kysely } from 'kysely';
import type { Database, CommandsTable, CommandStatus } from '../db/index.ts';
import type { Capability } from '../guard/index.ts';
import type { ServiceError } from '../util/errors.ts';

export { CommandService } from './command-service.ts';
export { AGENT_RECONNECT_GRACE_MS, CommandSweeper, type SweptAgents, type SweeperOptions } from './sweeper.ts';
export { TERMINAL_STATUSES, OPEN_STATUSES, IS_OPEN } from './statuses.ts';
export { PENDING_PAGE } from './delivery.ts';
export type { CommandStatus } from '../db/index.ts';

export interface IssueInput {
  device_id: string;
  name: string;
  args?: Record<string, unknown>;
  cwd?: string;
  timeout_ms?: number;
  queue_offline?: boolean;
  queue_ttl_ms?: number;
  issued_by: string;
  session_id?: string;
  /** What response policies judge this command as; derived from `name` when absent. */
  capability?: Capability;
}

/** A command as services see it: its row, with JSON parsed, flags as booleans and the error as one object. */
export type CommandRecord = Omit<CommandsTable, 'args' | 'status' | 'queue_offline' | 'result' | 'error_code' | 'error_message'> & {
  args: Record<string, unknown>;
  status: CommandStatus;
  queue_offline: boolean;
  /** The agent's structured result data (complete) — null otherwise. */
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
};

export interface IssueManyResult {
  batch_id: string;
  commands: CommandRecord[];
  /** Hosts that got no command, and why. */
  refused: { device_id: string; error: ServiceError }[];
  /** Hosts that were offline when their command was stored (it waits for them). */
  offline: Set<string>;
}

/**
 * More rows a caller stores in the same transaction as the commands (a dialect's own log and
 * audit): a command is never stored without them, and one commit costs less than two.
 */
export type IssueAlsoWrite = (trx: Kysely<Database>, issued: Omit<IssueManyResult, 'batch_id'>) => Promise<void>;

/** Told of commands as soon as they are stored, in the process that stored them. */
export type IssuedListener = (commands: readonly CommandRecord[]) => void;

/** What an agent reports for a command. */
export type AgentResult =
  | { ok: true; data: Record<string, unknown>; cwd: string }
  | { ok: false; error: { code: string; message: string }; cwd: string };
