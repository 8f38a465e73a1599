import { EventEmitter } from 'node:events';

/** Domain events inside one server process. Cross-replica delivery is the gateway's business. */
export interface DomainEvents {
  /** A host's inventory or state changed (not emitted for heartbeats). */
  'host.changed': { device_id: string };
  /** Group memberships changed for these hosts (static edits or dynamic re-evaluation). */
  'group.members.changed': { group_id: string; device_ids: string[] };
  'group.deleted': { group_id: string };
}

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  /** A listener may return a promise: `emit` resolves once every listener's work is done. */
  on<K extends keyof DomainEvents>(event: K, listener: (payload: DomainEvents[K]) => void | Promise<void>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /**
   * Tell every listener and wait for them, so that what depends on the event (effective response
   * policies) is current when the change's request answers. Call it after the change committed.
   */
  async emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): Promise<void> {
    await Promise.all(this.emitter.listeners(event).map((l) => (l as (p: DomainEvents[K]) => unknown)(payload)));
  }
}
