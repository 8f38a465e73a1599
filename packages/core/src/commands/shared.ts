import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import type { Notifier } from '../notify/index.ts';
import type { RecentCommands } from './recent-commands.ts';

/** What the issuing, waiting and delivery parts of the command service share. */
export interface CommandsShared {
  db: Kysely<Database>;
  notifier: Notifier;
  /** Commands this process issued or saw end, so that waits and reads skip the database. */
  recent: RecentCommands;
  /** Names this process in 'dispatch' notices, so that it skips those it delivered itself. */
  origin: string;
}
