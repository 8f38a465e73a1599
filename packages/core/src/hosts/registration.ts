import { sql, type Kysely, type Selectable } from 'kysely';
import { chunks, type Database, type HostsTable } from '../db/index.ts';
import { BatchWriter } from '../util/batch-writer.ts';
import { notFound } from '../util/errors.ts';
import { newId, nowIso } from '../util/ids.ts';
import type { CoreLog } from '../util/log.ts';
import { EMPTY_FACTS, pickFacts, recordSideFacts, validateFacts, writeFacts } from './facts.ts';
import type { HostQueries } from './host-queries.ts';
import type { HostFacts, HostRecord, WelcomeItem } from './index.ts';

/** A host to create, for registerMany. */
interface Registration {
  device_id: string;
  facts: HostFacts;
  agent_secret_hash: string;
  /** Set when this host could not be created. */
  error?: Error;
}

/** Hosts enrolling and agents reporting their facts; every change ends with the host-change hooks (`changed`). */
export class HostRegistration {
  private readonly registrations: BatchWriter<Registration>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: HostQueries,
    private readonly changed: (ids: string[]) => Promise<void>,
    log?: CoreLog,
  ) {
    this.registrations = new BatchWriter<Registration>((items) => this.registerMany(items), { maxBatch: 500, name: 'host registrations', log });
  }

  /**
   * Create a host (new device id unless given) from its facts. Hosts registering at the same
   * moment are created together (registerMany); this one is returned once it is created and
   * placed under its response policy.
   */
  async register(facts: HostFacts, opts: { device_id?: string; agent_secret_hash?: string } = {}): Promise<HostRecord> {
    validateFacts(facts);
    const item: Registration = { device_id: opts.device_id ?? newId(), facts, agent_secret_hash: opts.agent_secret_hash ?? '' };
    await this.registrations.add(item);
    if (item.error) throw item.error;
    return (await this.queries.get(item.device_id))!;
  }

  /**
   * A fleet enrolling at once (a new rollout, 10,000 agents within a minute): all of them in one
   * transaction, then one round of change hooks (policy placement, dynamic groups). Each host on
   * its own cost two commits, which with SQLite's 16 KiB pages made a quarter of an enrolment's
   * cost. When the batch fails, each host is tried alone, so a bad one fails only itself.
   */
  async registerMany(items: Registration[]): Promise<void> {
    const now = nowIso();
    try {
      await this.insertHosts(items, now);
    } catch {
      for (const item of items) {
        try {
          await this.insertHosts([item], now);
        } catch (e) {
          item.error = e as Error;
        }
      }
    }
    const created = items.filter((i) => !i.error).map((i) => i.device_id);
    if (created.length) await this.changed(created);
  }

  private async insertHosts(items: Registration[], now: string): Promise<void> {
    // cb_device_id is the next number: enrollments at the same moment (PostgreSQL, replicas) can
    // pick the same one; the inserts that lose on its unique index try again with the next.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction().execute(async (trx) => {
          const next = await trx
            .selectFrom('hosts')
            .select(sql<number>`coalesce(max(cb_device_id), 0) + 1`.as('n'))
            .executeTakeFirstOrThrow();
          let cb_device_id = Number(next.n);
          for (const { device_id, facts, agent_secret_hash } of items) {
            await trx
              .insertInto('hosts')
              .values({
                ...EMPTY_FACTS,
                ...pickFacts(facts),
                ...(facts.agent_local_time ? { agent_local_time: facts.agent_local_time } : {}),
                last_login_user: '',
                device_id,
                cb_device_id: cb_device_id++,
                first_seen: now,
                last_seen: now,
                modified_timestamp: now,
                status: 'normal',
                online: 0,
                hidden: 0,
                agent_secret_hash,
                last_login_timestamp: null,
                revision: 0,
              })
              .execute();
            await recordSideFacts(trx, device_id, facts, now);
          }
        });
        return;
      } catch (err) {
        if (attempt >= 50 || !/cb_device_id/.test((err as Error)?.message ?? '')) throw err;
      }
    }
  }

  /** Apply a fresh inventory report. Only real changes bump `modified_timestamp` and re-evaluate groups. */
  async updateFacts(device_id: string, facts: HostFacts): Promise<HostRecord> {
    validateFacts(facts);
    const current = await this.db.selectFrom('hosts').selectAll().where('device_id', '=', device_id).executeTakeFirst();
    if (!current) throw notFound(`host ${device_id} not found`);
    const changed = await this.db.transaction().execute((trx) => writeFacts(trx, current, facts, nowIso(), false));
    if (changed) await this.changed([device_id]);
    return (await this.queries.get(device_id))!;
  }

  /**
   * Agents that have just connected, many at once (a restarted server gets its whole fleet back
   * within seconds): each host takes the facts its agent reported and is marked online, all in one
   * transaction; a transaction each cost 2-3 ms of the server's time per agent. An item whose facts
   * are invalid or whose host does not exist gets `error` and changes nothing.
   */
  async welcomeMany(items: WelcomeItem[]): Promise<void> {
    const valid: WelcomeItem[] = [];
    for (const item of items) {
      try {
        validateFacts(item.facts);
        valid.push(item);
      } catch (err) {
        item.error = err as Error;
      }
    }
    const current = new Map<string, Selectable<HostsTable>>();
    const ids = [...new Set(valid.map((i) => i.device_id))];
    for (const chunk of chunks(ids)) {
      for (const row of await this.db.selectFrom('hosts').selectAll().where('device_id', 'in', chunk).execute()) current.set(row.device_id, row);
    }
    const now = nowIso();
    const changed: string[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const item of valid) {
        const row = current.get(item.device_id);
        if (!row) item.error = notFound(`host ${item.device_id} not found`);
        else if (await writeFacts(trx, row, item.facts, now, true)) changed.push(item.device_id);
      }
    });
    if (changed.length) await this.changed(changed);
  }
}
