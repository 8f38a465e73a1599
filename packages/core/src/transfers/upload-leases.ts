/** A request working on one upload in this process. */
interface Holder {
  supersede(): void;
  settled: Promise<void>;
}

export interface UploadLease {
  /** Let the next request for the transfer in; call exactly once, when done with it. */
  release(): void;
}

/**
 * One request at a time per upload, the newest winning: an agent that retries has given up on its
 * earlier request (whose connection may be half dead), so that one is stopped, and the retry waits
 * until it has recorded what reached disk before it reads the transfer's state.
 */
export class UploadLeases {
  private readonly holders = new Map<string, Holder>();

  /**
   * Supersede whoever holds upload `id`, wait until they have finished with it, then hold it.
   * `supersede` is how a still newer request stops this one (cut its body); by default it cannot.
   */
  async acquire(id: string, supersede: () => void = () => {}): Promise<UploadLease> {
    for (let prev = this.holders.get(id); prev; prev = this.holders.get(id)) {
      prev.supersede();
      await prev.settled;
    }
    let settle!: () => void;
    const holder: Holder = { supersede, settled: new Promise<void>((resolve) => (settle = resolve)) };
    this.holders.set(id, holder);
    return {
      release: () => {
        if (this.holders.get(id) === holder) this.holders.delete(id);
        settle();
      },
    };
  }

  /** Supersede every holder and wait until each has finished. */
  async drain(): Promise<void> {
    for (let held = [...this.holders.values()]; held.length; held = [...this.holders.values()]) {
      for (const h of held) h.supersede();
      await Promise.all(held.map((h) => h.settled));
    }
  }
}
