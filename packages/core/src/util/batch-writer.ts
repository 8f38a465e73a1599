/**
 * Coalesces many small writes into one transaction: each `add` resolves once the batch holding
 * it has been written. Used on hot paths (command acknowledgements and results from thousands
 * of agents) where a transaction per message would be the bottleneck.
 */
export class BatchWriter<T> {
  private queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
  ) {}

  add(item: T): Promise<void> {
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
