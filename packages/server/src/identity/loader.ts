import type { Core, EntityRow } from '@riposte/core';

/** Entities named by the rows of one response, fetched together in one query per tick instead of one each. */
export class EntityLoader {
  private readonly cache = new Map<string, Promise<EntityRow | undefined>>();
  private waiting = new Map<string, (row: EntityRow | undefined) => void>();

  constructor(private readonly core: Core) {}

  load(id: string | null | undefined): Promise<EntityRow | undefined> {
    if (!id) return Promise.resolve(undefined);
    let p = this.cache.get(id);
    if (!p) {
      p = new Promise((resolve) => {
        if (!this.waiting.size) queueMicrotask(() => void this.flush());
        this.waiting.set(id, resolve);
      });
      this.cache.set(id, p);
    }
    return p;
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    const ids = [...batch.keys()];
    const found = new Map<string, EntityRow>();
    try {
      for (let i = 0; i < ids.length; i += 500) for (const r of await this.core.identity.entities.get(ids.slice(i, i + 500))) found.set(r.entity_id, r);
    } finally {
      for (const [id, resolve] of batch) resolve(found.get(id));
    }
  }
}
