import { sql } from 'kysely';
import type { CommandStatus } from '../db/index.ts';

export const TERMINAL_STATUSES: readonly CommandStatus[] = ['complete', 'error', 'cancelled', 'timed_out'];
export const OPEN_STATUSES: readonly CommandStatus[] = ['queued', 'sent', 'running'];
/**
 * Every end of a command sets completed_at, so `completed_at is null` also means open: lookups of
 * open commands say so in these words, which is what lets them use the open-only indexes (0009).
 */
export const IS_OPEN = sql<boolean>`completed_at is null`;
