import type { CommandRecord } from './command-service.ts';

/** How long a command this process issued stays in memory (a waiter reads it well before). */
const KEEP_MS = 60_000;
/** At most this many records are kept (two fan-outs to 10,000 hosts): memory stays bounded. */
const MAX_RECORDS = 20_000;

interface Entry {
  record: CommandRecord;
  /** Ended, and `record` says how (this process wrote the end). */
  final: boolean;
  /** Ended somewhere else (another replica, or a cancel/expiry): only the database knows how. */
  endedElsewhere: boolean;
  keptUntil: number;
}

/**
 * The commands this process issued recently, as it wrote them. A fan-out's waiter is told what
 * ended by notifications and reads the ends this process wrote from here, instead of reading
 * 10,000 rows back. Only an end this process wrote itself is served from memory; anything else
 * (still open, or ended by another replica) is read from the database, so the cache is never
 * the authority on an open command.
 */
export class RecentCommands {
  private readonly entries = new Map<string, Entry>();

  remember(records: readonly CommandRecord[]): void {
    const until = Date.now() + KEEP_MS;
    for (const record of records) this.entries.set(record.id, { record, final: false, endedElsewhere: false, keptUntil: until });
    this.prune();
  }

  /** This process wrote the end of a command: its record as it now stands. */
  ended(id: string, patch: Pick<CommandRecord, 'status' | 'sent_at' | 'completed_at' | 'result' | 'result_cwd' | 'error'>): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.record = { ...entry.record, ...patch };
    entry.final = true;
  }

  /** A command ended by a write this process did not make (or did not keep the content of). */
  endedElsewhere(ids: readonly string[]): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && !entry.final) entry.endedElsewhere = true;
    }
  }

  /** Issued here and not known to have ended: a notification will tell when it does. */
  isOpenHere(id: string): boolean {
    const entry = this.entries.get(id);
    return !!entry && !entry.final && !entry.endedElsewhere;
  }

  hasEnded(id: string): boolean {
    const entry = this.entries.get(id);
    return !!entry && (entry.final || entry.endedElsewhere);
  }

  /** The final record, when this process wrote the end. */
  final(id: string): CommandRecord | undefined {
    const entry = this.entries.get(id);
    return entry?.final ? entry.record : undefined;
  }

  /**
   * Only where entries are added: a Map iterated from its start walks over the holes its
   * deletions left, so pruning on every ended command made a fan-out's results quadratic.
   */
  private prune(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.keptUntil > now && this.entries.size <= MAX_RECORDS) break;
      this.entries.delete(id);
    }
  }
}
