import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect, with the waiting for its one connection made first come, first served.
 *
 * Kysely's driver lets one query at a time use the connection, and every query waiting for it
 * awaits the same promise: each release wakes all of them, and all but one go back to waiting.
 * A burst of N queries so costs N² wake-ups: 15,000 agents dropping off at once (one `online`
 * update each) kept the server's thread busy for 16 s. Here each waiter has its own turn and a
 * release wakes only the next one, so Kysely's own lock is never contended.
 */
export class QueuedSqliteDialect extends SqliteDialect {
  constructor(private readonly queuedConfig: SqliteDialectConfig) {
    super(queuedConfig);
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.queuedConfig);
  }
}

class QueuedSqliteDriver extends SqliteDriver {
  /** Whoever is waiting for the connection, in order; the holder is not in it. */
  private readonly waiting: (() => void)[] = [];
  private held = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    // Handed straight to the next in line: `held` stays set, so no newcomer can slip in between.
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
