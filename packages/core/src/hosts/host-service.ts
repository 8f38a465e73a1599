import type { Kysely } from 'kysely';
import type { Database } from '../db/index.ts';
import type { CoreLog } from '../util/log.ts';
import { HostEdits } from './host-edits.ts';
import { HostQueries } from './host-queries.ts';
import type { HostChangeHook, HostFacts, HostPage, HostQuery, HostRecord, LoginEvent, WelcomeItem } from './index.ts';
import { HostPresence } from './presence.ts';
import { HostRegistration } from './registration.ts';

/**
 * Hosts: registration and reported facts (registration.ts), presence (presence.ts), reading
 * (host-queries.ts) and responders' edits (host-edits.ts). Changes that may move a host between
 * groups or policies run the change hooks, awaited, in the order they were registered.
 */
export class HostService {
  private readonly changeHooks: HostChangeHook[] = [];
  private readonly registration: HostRegistration;
  private readonly presence: HostPresence;
  private readonly queries: HostQueries;
  private readonly edits: HostEdits;

  constructor(db: Kysely<Database>, log?: CoreLog) {
    const changed = (ids: string[]) => this.changed(ids);
    this.queries = new HostQueries(db);
    this.registration = new HostRegistration(db, this.queries, changed, log);
    this.presence = new HostPresence(db);
    this.edits = new HostEdits(db, this.queries, changed);
  }

  /** Run `hook` (awaited) after hosts change; hooks run in the order they were added. */
  onChange(hook: HostChangeHook): void {
    this.changeHooks.push(hook);
  }

  private async changed(ids: string[]): Promise<void> {
    for (const hook of this.changeHooks) await hook(ids);
  }

  // ---- registration ----

  /** Create a host (new device id unless given) from its facts; returned once created and placed under its policy. */
  register(facts: HostFacts, opts: { device_id?: string; agent_secret_hash?: string } = {}): Promise<HostRecord> {
    return this.registration.register(facts, opts);
  }

  /** Apply a fresh inventory report. Only real changes bump `modified_timestamp` and re-evaluate groups. */
  updateFacts(device_id: string, facts: HostFacts): Promise<HostRecord> {
    return this.registration.updateFacts(device_id, facts);
  }

  /** Agents that have just connected, many at once: facts taken and marked online in one transaction; a bad item gets `error`. */
  welcomeMany(items: WelcomeItem[]): Promise<void> {
    return this.registration.welcomeMany(items);
  }

  // ---- presence ----

  setOnline(device_id: string, online: boolean): Promise<void> {
    return this.presence.setOnline(device_id, online);
  }

  /** Heartbeat for many connected hosts; `stillConnected` is asked just before each chunk is written. */
  touchMany(ids: readonly string[], stillConnected?: (id: string) => boolean): Promise<void> {
    return this.presence.touchMany(ids, stillConnected);
  }

  /** Hosts whose agents went away, marked offline together; `stillGone` is asked just before each chunk is written. */
  markOffline(ids: readonly string[], stillGone?: (id: string) => boolean): Promise<void> {
    return this.presence.markOffline(ids, stillGone);
  }

  // ---- reading ----

  agentSecretHash(device_id: string): Promise<string | undefined> {
    return this.queries.agentSecretHash(device_id);
  }

  get(device_id: string): Promise<HostRecord | undefined> {
    return this.queries.get(device_id);
  }

  /** Records for the ids that exist, in the order asked. */
  getMany(ids: readonly string[]): Promise<HostRecord[]> {
    return this.queries.getMany(ids);
  }

  /** Device ids matching an FQL filter, sorted and paged; `total` counts every match. */
  query(q: HostQuery, restrictTo?: { groupId: string }): Promise<HostPage> {
    return this.queries.query(q, restrictTo);
  }

  /** Scroll paging: `offset` is an opaque token from the previous page, valid for two minutes. */
  queryScroll(q: Omit<HostQuery, 'offset'> & { offset?: string; start?: number }): Promise<HostPage & { next: string; expires_at: string }> {
    return this.queries.queryScroll(q);
  }

  onlineState(ids: readonly string[]): Promise<{ id: string; state: 'online' | 'offline' }[]> {
    return this.queries.onlineState(ids);
  }

  /** What decides whether a cached rendering of a host is current. */
  stamps(ids: readonly string[]): Promise<Map<string, string>> {
    return this.queries.stamps(ids);
  }

  /** Logins newest first, per host, within [from, to] (ISO instants). */
  loginHistory(ids: readonly string[], range: { from?: string; to?: string; limit?: number } = {}): Promise<{ device_id: string; recent_logins: LoginEvent[] }[]> {
    return this.queries.loginHistory(ids, range);
  }

  addressHistory(ids: readonly string[]): Promise<{ device_id: string; history: { ip_address: string; mac_address: string; timestamp: string }[] }[]> {
    return this.queries.addressHistory(ids);
  }

  // ---- responders' edits ----

  /** Add or remove tags; answers per id whether it existed. */
  updateTags(action: 'add' | 'remove', ids: readonly string[], tags: readonly string[]): Promise<{ device_id: string; updated: boolean }[]> {
    return this.edits.updateTags(action, ids, tags);
  }

  setHidden(ids: readonly string[], hidden: boolean): Promise<string[]> {
    return this.edits.setHidden(ids, hidden);
  }

  /** Responders' detection suppression: stored and shown; riposte raises no detections itself. */
  setDetectionSuppressed(ids: readonly string[], suppressed: boolean): Promise<string[]> {
    return this.edits.setDetectionSuppressed(ids, suppressed);
  }

  /** Mark hosts changed in ways their own row does not show (group membership, effective policy). */
  bumpRevision(ids: readonly string[], trx?: Kysely<Database>): Promise<void> {
    return this.edits.bumpRevision(ids, trx);
  }
}
