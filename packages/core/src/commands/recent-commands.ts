import type { CommandRecord } from './index.ts';

/** How long a command this process issued stays in memory (a waiter reads it well before). */
const KEEP_MS = 60_000;
/** At most this many records are kept (two fan-outs to 10,000 hosts). */
const MAX_RECORDS = 20_000;
/**
 * At most about this many bytes of records are kept: a fan-out of `ps` to 10,000 hosts returns
 * tens of kilobytes per host, so a bound by count alone let the cache hold gigabytes.
 */
const MAX_BYTES = 64 * 1024 * 1024;
/** A record larger than this is not kept at all: its waiter reads it from the database. */
const MAX_RECORD_BYTES = 1024 * 1024;
/** What a record costs beyond its arguments and result (ids, times, status, the entry itself). */
const RECORD_OVERHEAD_BYTES = 512;

interface Entry {
  record: CommandRecord;
  /** Ended, and `record` says how (this process wrote the end). */
  final: boolean;
  /** Ended somewhere else (another replica, or a cancel/expiry): only the database knows how. */
  endedElsewhere: boolean;
  keptUntil: number;
  /** Counted against MAX_BYTES: overhead, arguments and, once ended, result and error. */
  bytes: number;
}

/**
 * The commands this process issued recently, as it wrote them. A fan-out's waiter is told what
 * ended by notifications and reads the ends this process wrote from here, instead of reading
 * 10,000 rows back. Only an end this process wrote itself is served from memory; anything else
 * (still open, ended by another replica, or dropped to stay within the bounds) is read from the
 * database, so the cache is never the authority on an open command.
 */
export class RecentCommands {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_BYTES) {}

  /** Commands just stored; `argBytes[i]` is the size of record i's serialized arguments. */
  remember(records: readonly CommandRecord[], argBytes?: readonly number[]): void {
    const until = Date.now() + KEEP_MS;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const bytes = RECORD_OVERHEAD_BYTES + (argBytes?.[i] ?? 0);
      if (bytes > MAX_RECORD_BYTES) continue;
      this.drop(record.id);
      this.entries.set(record.id, { record, final: false, endedElsewhere: false, keptUntil: until, bytes });
      this.bytes += bytes;
    }
    this.prune();
  }

  /**
   * This process wrote the end of a command: its record as it now stands. `resultBytes` is the
   * size of the serialized result, as written to the database.
   */
  ended(id: string, patch: Pick<CommandRecord, 'status' | 'sent_at' | 'completed_at' | 'result' | 'result_cwd' | 'error'>, resultBytes = 0): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const grown = entry.bytes + resultBytes + (patch.error?.message.length ?? 0) + (patch.result_cwd?.length ?? 0);
    if (grown > MAX_RECORD_BYTES) {
      // Too large to keep: known to be over, its content comes from the database.
      this.bytes -= entry.bytes;
      entry.bytes = RECORD_OVERHEAD_BYTES;
      this.bytes += entry.bytes;
      entry.endedElsewhere = true;
      return;
    }
    this.bytes += grown - entry.bytes;
    entry.bytes = grown;
    entry.record = { ...entry.record, ...patch };
    entry.final = true;
    // Over the budget by a result: the oldest go now, not at the next fan-out.
    if (this.bytes > this.maxBytes) this.prune();
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

  /** Bytes and records held now (the bounds are about these). */
  size(): { records: number; bytes: number } {
    return { records: this.entries.size, bytes: this.bytes };
  }

  private drop(id: string): void {
    const old = this.entries.get(id);
    if (!old) return;
    this.bytes -= old.bytes;
    this.entries.delete(id);
  }

  /**
   * Oldest first, until within every bound. Only where entries are added, or once over the byte
   * budget (then down to nine tenths of it, so that the next results do not prune again at once):
   * a Map iterated from its start walks over the holes its deletions left, so pruning on every
   * ended command made a fan-out's results quadratic.
   */
  private prune(): void {
    const now = Date.now();
    const byteTarget = this.bytes > this.maxBytes ? this.maxBytes * 0.9 : this.maxBytes;
    for (const [id, entry] of this.entries) {
      if (entry.keptUntil > now && this.entries.size <= MAX_RECORDS && this.bytes <= byteTarget) break;
      this.bytes -= entry.bytes;
      this.entries.delete(id);
    }
  }
}
