import { capabilityOf, type Capability, type ResponseGuard } from '../guard/index.ts';
import { chunks, RowsStatement, type CommandsTable } from '../db/index.ts';
import { isOnline } from '../hosts/index.ts';
import { badRequest, ServiceError } from '../util/errors.ts';
import { timeOrderedUuid } from '../util/ids.ts';
import type { CommandRecord, IssueAlsoWrite, IssuedListener, IssueInput, IssueManyResult } from './index.ts';
import type { CommandsShared } from './shared.ts';
import { toRecord } from './records.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 24 * 3600_000;
/** How long a command for an offline host waits when the caller asked to queue it (Falcon: 7 days). */
const DEFAULT_QUEUE_TTL_MS = 7 * 24 * 3600_000;
/** Slack after the agent-side timeout for the result to travel back. */
const RESULT_GRACE_MS = 15_000;

const ONLINE = Object.freeze({ online: true });

/** The columns a new command has: binding the seven that are still null would cost time ×10,000. */
const NEW_COMMAND_COLUMNS = ['id', 'device_id', 'session_id', 'batch_id', 'name', 'args', 'cwd', 'status', 'queue_offline', 'timeout_ms', 'issued_by', 'created_at', 'expires_at'] as const;
const newCommandValues = (r: CommandsTable) => NEW_COMMAND_COLUMNS.map((c) => r[c]);
const insertCommands = new RowsStatement(`insert into commands (${NEW_COMMAND_COLUMNS.join(', ')}) values`, NEW_COMMAND_COLUMNS.length);

/** Issuing commands (the dialects' side): refusals per host, one transaction per fan-out, one notification. */
export class CommandIssuer {
  private readonly issuedListeners = new Set<IssuedListener>();
  private connected?: (deviceId: string) => boolean;

  constructor(
    private readonly shared: CommandsShared,
    private readonly guard: ResponseGuard,
  ) {}

  /**
   * Hear of commands the moment this process has stored them (the gateway sends them to the
   * agents it holds without reading them back); other replicas learn of them through 'dispatch'.
   */
  onIssued(listener: IssuedListener): () => void {
    this.issuedListeners.add(listener);
    return () => this.issuedListeners.delete(listener);
  }

  /**
   * Told by the gateway which hosts have a welcomed agent connected to this process: those exist
   * and are online without reading their rows (a fan-out to 10,000 such hosts read 10,000 rows
   * for it). Hosts are never deleted, so a connected agent's host always has its row.
   */
  setPresence(connected: ((deviceId: string) => boolean) | undefined): void {
    this.connected = connected;
  }

  /** Store a command for one host and hand it to whoever holds the agent. Stored before this resolves. */
  async issue(input: IssueInput): Promise<CommandRecord> {
    const result = await this.issueMany([input]);
    if (result.refused.length) throw result.refused[0].error;
    return result.commands[0];
  }

  /**
   * Fan out: one command per input, in one transaction, announced with one notification.
   * Unknown hosts, and offline hosts when not queueing, are refused per host.
   */
  async issueMany(inputs: IssueInput[], batchId = '', alsoWrite?: IssueAlsoWrite): Promise<IssueManyResult> {
    const now = Date.now();
    const hostState = await this.hostStates(inputs.map((i) => i.device_id));
    const refusals = await this.policyRefusals(inputs, hostState);
    const refused: IssueManyResult['refused'] = [];
    const rows: CommandsTable[] = [];
    const records: CommandRecord[] = [];
    const offline = new Set<string>();
    const times = new IssueTimes(now);
    for (const input of inputs) {
      const state = hostState.get(input.device_id);
      if (!state) {
        refused.push({ device_id: input.device_id, error: new ServiceError('not_found', `host ${input.device_id} not found`) });
        continue;
      }
      if (!state.online && !input.queue_offline) {
        refused.push({ device_id: input.device_id, error: new ServiceError('host_offline', 'Sensor appears to be offline') });
        continue;
      }
      // Response policies are enforced here, on every command of every dialect.
      const refusal = refusals.get(input.capability ?? capabilityOf(input.name))?.get(input.device_id);
      if (refusal) {
        refused.push({ device_id: input.device_id, error: refusal });
        continue;
      }
      if (!state.online) offline.add(input.device_id);
      const row = this.newRow(input, batchId, times);
      rows.push(row);
      records.push(toRecord(row, input.args ?? {}));
    }
    if (rows.length) {
      await this.shared.db.transaction().execute(async (trx) => {
        for (const chunk of chunks(rows)) await insertCommands.execute(trx, chunk.map(newCommandValues));
        await alsoWrite?.(trx, { commands: records, refused, offline });
      });
      this.shared.recent.remember(records, rows.map((r) => r.args.length));
      for (const listener of this.issuedListeners) listener(records);
      const origin = this.issuedListeners.size ? this.shared.origin : undefined;
      await this.shared.notifier.publish('dispatch', batchId ? { batch_id: batchId, origin } : { device_ids: [...new Set(rows.map((r) => r.device_id))], origin });
    }
    return { batch_id: batchId, commands: records, refused, offline };
  }

  private newRow(input: IssueInput, batchId: string, times: IssueTimes): CommandsTable {
    const timeout = input.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_MS) throw badRequest(`timeout must be between 1 ms and ${MAX_TIMEOUT_MS} ms`);
    const queueFor = input.queue_offline ? (input.queue_ttl_ms ?? DEFAULT_QUEUE_TTL_MS) : 0;
    return {
      id: timeOrderedUuid(),
      device_id: input.device_id,
      session_id: input.session_id ?? '',
      batch_id: batchId,
      name: input.name,
      args: JSON.stringify(input.args ?? {}),
      cwd: input.cwd ?? '',
      status: 'queued',
      queue_offline: input.queue_offline ? 1 : 0,
      timeout_ms: timeout,
      issued_by: input.issued_by,
      created_at: times.at(0),
      expires_at: times.at(queueFor + timeout + Math.min(RESULT_GRACE_MS, timeout)),
      sent_at: null,
      started_at: null,
      completed_at: null,
      result: null,
      result_cwd: null,
      error_code: null,
      error_message: null,
    };
  }

  /** Guard refusals of a fan-out, asked in bulk per capability (one per host would serialise 10,000 lookups). */
  private async policyRefusals(inputs: IssueInput[], hostState: Map<string, { online: boolean }>): Promise<Map<Capability, Map<string, ServiceError>>> {
    const byCapability = new Map<Capability, string[]>();
    for (const i of inputs) {
      const state = hostState.get(i.device_id);
      if (!state || (!state.online && !i.queue_offline)) continue;
      const cap = i.capability ?? capabilityOf(i.name);
      const ids = byCapability.get(cap);
      if (ids) ids.push(i.device_id);
      else byCapability.set(cap, [i.device_id]);
    }
    const out = new Map<Capability, Map<string, ServiceError>>();
    for (const [cap, ids] of byCapability) out.set(cap, await this.guard.refusals(ids, cap));
    return out;
  }

  private async hostStates(ids: string[]): Promise<Map<string, { online: boolean }>> {
    const out = new Map<string, { online: boolean }>();
    const unique: string[] = [];
    for (const id of new Set(ids)) {
      if (this.connected?.(id)) out.set(id, ONLINE);
      else unique.push(id);
    }
    for (const chunk of chunks(unique)) {
      const rows = await this.shared.db
        .selectFrom('hosts')
        .select(['device_id', 'online', 'last_seen'])
        .where('device_id', 'in', chunk)
        .execute();
      for (const r of rows) out.set(r.device_id, { online: isOnline(r) });
    }
    return out;
  }
}

/** ISO times at offsets from one moment, each formatted once: a fan-out's commands share them. */
class IssueTimes {
  private readonly texts = new Map<number, string>();
  constructor(private readonly now: number) {}
  at(offsetMs: number): string {
    let text = this.texts.get(offsetMs);
    if (text === undefined) this.texts.set(offsetMs, (text = new Date(this.now + offsetMs).toISOString()));
    return text;
  }
}
