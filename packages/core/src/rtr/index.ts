/**
 * Live response (Falcon RTR): responders' sessions on hosts, batches of sessions, the log of
 * each session's commands, and the files retrieved with `get`. The dialect parses and renders
 * commands; this service keeps who may use which session, where each session is (its directory),
 * what ran in it, and hands commands to the command engine in one fan-out.
 *
 * Rules kept here:
 * - A session belongs to the API client that opened it; to anyone else it does not exist.
 * - Sessions idle-expire after 10 minutes (7 days while queued for an offline host); executing
 *   commands and pulses extend them. Expired sessions still answer status and file requests.
 * - A session's directory follows its completed `cd` commands.
 * - Nothing is half-created: a failed batch init leaves no batch, a refused fan-out no log rows.
 */
import type { CommandRecord } from '../commands/index.ts';
import type { Platform } from '../platform.ts';
import type { Selectable } from 'kysely';
import type { RtrCommandsTable, RtrFilesTable, RtrSessionsTable } from './tables.ts';

export const SESSION_IDLE_MS = 10 * 60_000;
export const QUEUED_SESSION_MS = 7 * 24 * 3600_000;
/** Largest batch (BatchInitSessions host_ids). */
export const MAX_BATCH_HOSTS = 10_000;

/** A session's row, with its flags as booleans and its platform narrowed. */
export type RtrSession = Omit<RtrSessionsTable, 'queue_offline' | 'offline_queued' | 'platform'> & {
  queue_offline: boolean;
  offline_queued: boolean;
  platform: Platform;
};

/** One logged command (`id` is Falcon's cloud_request_id): its row, with the chained follow-up parsed. */
export type RtrCommandEntry = Omit<RtrCommandsTable, 'chain'> & { chain: ChainedCommand | null };

/** A follow-up issued when a command completes (put-and-run: run what was put). */
export interface ChainedCommand {
  name: 'run';
  args: Record<string, unknown>;
  timeout_ms: number;
}

/** A logged command with the internal command(s) behind it. */
export interface RtrCommandView {
  entry: RtrCommandEntry;
  /** The internal command; for a chained command, the follow-up once issued. */
  command?: CommandRecord;
  /** A chained command's first step (put-and-run's put). */
  first?: CommandRecord;
}

/** A retrieved file: its row, with the id materialised and the status narrowed. */
export type RtrFile = Omit<Selectable<RtrFilesTable>, 'status'> & { status: 'pending' | 'complete' | 'error' };

/** One host command to issue in a session (already translated by the dialect). */
export interface RtrIssueItem {
  session: RtrSession;
  base_command: string;
  command_string: string;
  tier: string;
  name: string;
  args: Record<string, unknown>;
  capability?: import('../guard/index.ts').Capability;
  timeout_ms: number;
  /** Queue for an offline host (the session's queue_offline, or the request's persist). */
  queue_offline: boolean;
  chain?: ChainedCommand;
  /** `get`: the file to record, pending until the command completes. */
  file?: { path: string; name: string };
}

export interface RtrIssued {
  entry: RtrCommandEntry;
  command: CommandRecord;
  /** The host was offline and the command waits for it. */
  queued_offline: boolean;
}

export interface RtrIssueResult {
  issued: RtrIssued[];
  /** Sessions whose command was refused (host gone, offline without queueing, policy), and why. */
  refused: { session: RtrSession; error: import('../util/errors.ts').ServiceError }[];
}

export interface RtrListQuery {
  filter?: string;
  sort?: string;
  offset?: number;
  limit?: number;
}

export interface RtrAuditSession extends RtrSession {
  logs: RtrCommandView[];
}

export { RtrService } from './rtr-service.ts';
export { rtrSessionFqlSchema } from './fql-schema.ts';
export type { RtrTables } from './tables.ts';
/** An `rtr_sessions` row as a session record (Carbon Black's device sessions ride on RTR sessions). */
export { toSession as rtrSessionOfRow } from './rows.ts';
