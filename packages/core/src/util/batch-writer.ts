import { ServiceError } from './errors.ts';
import { LogSink, type CoreLog } from './log.ts';

/** An `add` refused because the writer already holds `maxQueued` unwritten items. */
export class BatchWriterFullError extends ServiceError {
  constructor(name: string, maxQueued: number) {
    super('unavailable', `the server is overloaded: ${maxQueued} ${name} are waiting to be written; try again shortly`);
  }
}

export interface BatchWriterOptions {
  /** Items per write. Default 1000. */
  maxBatch?: number;
  /**
   * Unwritten items held at most; beyond, `add` rejects with BatchWriterFullError at once. The
   * default is ten times a 10,000-host fan-out: reached only when the database stops keeping up.
   */
  maxQueued?: number;
  /** What the items are, for the overload message and log ("command results"). */
  name?: string;
  log?: CoreLog;
}

/**
 * Coalesces many small writes into one transaction: each `add` resolves once the batch holding
 * it has been written. Used on hot paths (command acknowledgements and results from thousands
 * of agents) where a transaction per message would be the bottleneck.
 *
 * Bounded: when the database falls behind, items queue up to `maxQueued`, and further ones are
 * refused (their senders keep them: an agent re-sends an unacknowledged result, an enrolling
 * agent retries) rather than growing the server's memory without limit. Each overload is logged
 * once when it starts and once when it ends, with the number refused.
 */
export class BatchWriter<T> {
  private queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly name: string;
  private readonly log: CoreLog;
  /** Items refused in the current overload; 0 when not overloaded. */
  private refused = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    opts: BatchWriterOptions | number = {},
  ) {
    const o = typeof opts === 'number' ? { maxBatch: opts } : opts;
    this.maxBatch = o.maxBatch ?? 1000;
    this.maxQueued = Math.max(this.maxBatch, o.maxQueued ?? 100_000);
    this.name = o.name ?? 'writes';
    this.log = o.log ?? new LogSink();
  }

  /** Unwritten items held now. */
  get queued(): number {
    return this.queue.length;
  }

  add(item: T): Promise<void> {
    if (this.queue.length >= this.maxQueued) {
      if (this.refused++ === 0) this.log.error({ queued: this.queue.length, name: this.name }, 'batch writer full: refusing new items until the database catches up');
      return Promise.reject(new BatchWriterFullError(this.name, this.maxQueued));
    }
    if (this.refused && this.queue.length < this.maxQueued / 2) {
      this.log.warn({ refused: this.refused, name: this.name }, 'batch writer no longer full');
      this.refused = 0;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // A full batch is written at once: while thousands of agents answer, the event loop may not
      // reach setImmediate until the last answer is in, and writing would wait for all of them.
      if (this.queue.length >= this.maxBatch && !this.running) void this.drain();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    if (this.running) return; // the running loop takes whatever is queued
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((b) => b.item));
          for (const b of batch) b.resolve();
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves when everything added so far is written. */
  async flush(): Promise<void> {
    while (this.queue.length || this.running || this.scheduled) await new Promise((r) => setImmediate(r));
  }
}
