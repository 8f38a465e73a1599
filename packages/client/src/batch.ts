import type { GeneratedOperations } from './generated.ts';
import { RiposteApiError } from './errors.ts';
import { baseCommand, type Tier } from './command-line.ts';

export type HostStatus = 'done' | 'failed' | 'timed_out' | 'offline' | 'queued';

/** What runBatch calls: the typed client, or any caller of the same operations (the web console). */
export type BatchClient = Pick<GeneratedOperations, 'batchInitSessions' | 'batchCmd' | 'batchActiveResponderCmd' | 'batchAdminCmd'>;

/** One host's outcome in a batch. */
export interface HostResult {
  deviceId: string;
  status: HostStatus;
  stdout: string;
  stderr: string;
  /** Why the host failed, timed out or is offline. */
  error?: string;
  sessionId?: string;
  taskId?: string;
}

export interface BatchOptions {
  hostIds: readonly string[];
  commandLine: string;
  tier: Tier;
  /** Seconds each host has (the server's request timeout). */
  timeoutS?: number;
  /** Open sessions on offline hosts too, the command waiting for them to come back. */
  queueOffline?: boolean;
  /** Hosts per BatchCmd request: smaller shows progress sooner, larger costs fewer requests. */
  chunkSize?: number;
  /** BatchCmd requests in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** What BatchInitSessions and BatchCmd answer per host (domain.MultiStatusSensorResponse). */
interface WireHost {
  session_id?: string;
  task_id?: string;
  complete?: boolean;
  stdout?: string;
  stderr?: string;
  offline_queued?: boolean;
  errors?: { code: number; message: string }[];
}

/** BatchInitSessions takes at most this many hosts. */
const INIT_MAX_HOSTS = 10_000;

/**
 * Run one command line on many hosts: sessions opened with BatchInitSessions, the command sent
 * with BatchCmd in chunks of hosts (optional_hosts), several in flight; yields each chunk's
 * per-host results as soon as its answer arrives (hosts refused at init first). The answers are
 * read with one JSON.parse and walked once: no per-host copying.
 */
export async function* runBatch(client: BatchClient, opts: BatchOptions): AsyncGenerator<HostResult[]> {
  const unique = [...new Set(opts.hostIds)];
  const timeout = opts.timeoutS ?? 30;
  const batches: { batchId: string; hosts: string[] }[] = [];
  for (let i = 0; i < unique.length; i += INIT_MAX_HOSTS) {
    const ids = unique.slice(i, i + INIT_MAX_HOSTS);
    let answer: { batch_id?: string; resources: unknown };
    try {
      answer = (await client.batchInitSessions({ query: { timeout }, body: { host_ids: ids, queue_offline: !!opts.queueOffline } }, { signal: opts.signal })) as never;
    } catch (err) {
      // No session at all: the per-host reasons come with the 404.
      const body = err instanceof RiposteApiError && err.status === 404 ? (err.body as { resources?: unknown }) : undefined;
      if (!body?.resources || Array.isArray(body.resources)) throw err;
      answer = { resources: body.resources };
    }
    const opened: string[] = [];
    const refused: HostResult[] = [];
    for (const [aid, h] of Object.entries(answer.resources as Record<string, WireHost>)) {
      if (h.session_id && !h.errors?.length) opened.push(aid);
      else refused.push(initRefusal(aid, h));
    }
    if (refused.length) yield refused;
    if (answer.batch_id && opened.length) batches.push({ batchId: answer.batch_id, hosts: opened });
  }

  const total = batches.reduce((n, b) => n + b.hosts.length, 0);
  // By default every chunk is in flight at once: progress as each lands, no wave waiting on another.
  const limit = opts.concurrency ?? 4;
  const chunkSize = opts.chunkSize ?? Math.max(50, Math.ceil(total / limit));
  const jobs = batches.flatMap((b) => chunks(b.hosts, chunkSize).map((hosts) => ({ batchId: b.batchId, hosts, all: hosts.length === b.hosts.length })));
  const line = opts.commandLine.trim();
  const send = (job: (typeof jobs)[number]) => {
    const input = { query: { timeout }, body: { base_command: baseCommand(line), command_string: line, batch_id: job.batchId, optional_hosts: job.all ? undefined : job.hosts, persist_all: opts.queueOffline || undefined } };
    const call = opts.tier === 'admin' ? client.batchAdminCmd(input, { signal: opts.signal }) : opts.tier === 'active' ? client.batchActiveResponderCmd(input, { signal: opts.signal }) : client.batchCmd(input, { signal: opts.signal });
    return call.then((answer) => commandResults(job.hosts, (answer as { combined?: { resources?: Record<string, WireHost> } }).combined?.resources ?? {}));
  };

  // Up to `concurrency` requests in flight; results are yielded in the order they come back.
  const inFlight = new Map<number, Promise<{ key: number; results: HostResult[] }>>();
  let next = 0;
  while (next < jobs.length || inFlight.size) {
    while (next < jobs.length && inFlight.size < limit) {
      const key = next++;
      inFlight.set(key, send(jobs[key]).then((results) => ({ key, results })));
    }
    const { key, results } = await Promise.race(inFlight.values());
    inFlight.delete(key);
    yield results;
  }
}

function initRefusal(aid: string, h: WireHost): HostResult {
  const error = h.errors?.map((e) => e.message).join('; ') || 'no session was opened';
  return { deviceId: aid, status: /offline/i.test(error) ? 'offline' : 'failed', stdout: '', stderr: '', error };
}

function commandResults(hosts: string[], resources: Record<string, WireHost>): HostResult[] {
  return hosts.map((aid) => {
    const h = resources[aid];
    if (!h) return { deviceId: aid, status: 'failed', stdout: '', stderr: '', error: 'the server reported nothing for this host' };
    const base = { deviceId: aid, stdout: h.stdout ?? '', stderr: h.stderr ?? '', sessionId: h.session_id || undefined, taskId: h.task_id || undefined };
    const error = h.errors?.map((e) => e.message).join('; ');
    if (h.offline_queued) return { ...base, status: 'queued', error: 'host offline: the command waits for it' };
    if (h.errors?.some((e) => e.code === 408)) return { ...base, status: 'timed_out', error };
    if (error) return { ...base, status: /offline/i.test(error) ? 'offline' : 'failed', error };
    if (!h.complete) return { ...base, status: 'timed_out', error: 'not complete' };
    return { ...base, status: h.stderr ? 'failed' : 'done' };
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
