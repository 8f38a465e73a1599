import type { Kysely } from 'kysely';
import { chunks, type Database } from '../db/index.ts';
import { nowIso } from '../util/ids.ts';

/** Connected, and heard from recently: a replica that died leaves its hosts marked online but stale. */
export const ONLINE_WINDOW_MS = 120_000;

export function isOnline(h: { online: boolean | number; last_seen: string }): boolean {
  return !!h.online && Date.parse(h.last_seen) >= Date.now() - ONLINE_WINDOW_MS;
}

/** Which hosts have their agent connected: heartbeats and disconnections, many hosts per statement. */
export class HostPresence {
  constructor(private readonly db: Kysely<Database>) {}

  async setOnline(device_id: string, online: boolean): Promise<void> {
    await this.db
      .updateTable('hosts')
      .set((eb) => ({ online: online ? 1 : 0, last_seen: nowIso(), revision: eb('revision', '+', 1) }))
      .where('device_id', '=', device_id)
      .execute();
  }

  /**
   * Heartbeat for many connected hosts at once. It also says they are online: with several
   * replicas, an agent that moved to another one can be marked offline by the replica that held
   * its old socket after the new one marked it online; the next heartbeat puts that right.
   * `stillConnected` is asked just before each chunk is written, so that a host whose agent
   * disconnected meanwhile (and was marked offline) is not marked online again.
   */
  async touchMany(ids: readonly string[], stillConnected: (id: string) => boolean = () => true): Promise<void> {
    await this.writePresence(ids, true, stillConnected);
  }

  /**
   * Hosts whose agents went away, seen until now, marked offline together: a network cut drops
   * thousands of agents within a moment. As with touchMany, `stillGone` is asked just before each
   * chunk is written, so that a host whose agent has come back meanwhile stays online.
   */
  async markOffline(ids: readonly string[], stillGone: (id: string) => boolean = () => true): Promise<void> {
    await this.writePresence(ids, false, stillGone);
  }

  /** The revision changes only for hosts whose online flag does. */
  private async writePresence(ids: readonly string[], online: boolean, stillApplies: (id: string) => boolean): Promise<void> {
    const now = nowIso();
    for (const part of chunks(ids)) {
      const chunk = part.filter(stillApplies);
      if (chunk.length === 0) continue;
      await this.db
        .updateTable('hosts')
        .set((eb) => ({ last_seen: now, online: online ? 1 : 0, revision: eb('revision', '+', eb.case().when('online', '=', online ? 0 : 1).then(1).else(0).end()) }))
        .where('device_id', 'in', chunk)
        .execute();
    }
  }
}
