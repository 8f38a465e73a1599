import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { CommandRequest, CommandResult, ExecutionContext, Executor, Inventory } from '../commands/types.ts';
import { AgentClient } from './agent-client.ts';
import { MemoryJournal } from './journal.ts';

// The control channel against a stand-in gateway: the at-most-once journal, the delayed `started`
// notice, cancellation, the per-command timeout and the concurrency limit.

type Sent = { t: string; id?: string; result?: CommandResult; text?: string };

/** Runs each command through `behaviour`; records what it was asked to run. */
class FakeExecutor implements Executor {
  readonly platform = 'linux' as const;
  readonly ran: { req: CommandRequest; ctx: ExecutionContext }[] = [];
  constructor(private readonly behaviour: (req: CommandRequest, ctx: ExecutionContext) => Promise<CommandResult>) {}
  execute(req: CommandRequest, ctx: ExecutionContext): Promise<CommandResult> {
    this.ran.push({ req, ctx }); // not ctx.signal: the client makes it only when asked
    return this.behaviour(req, ctx);
  }
  async inventory(): Promise<Inventory> {
    return { hostname: 'h', platform: 'linux' } as Inventory;
  }
}

const ok = (req: CommandRequest): CommandResult => ({ ok: true, data: { name: req.name }, cwd: req.cwd });
/** Resolves once the signal fires, answering what the real executors answer then. */
const untilAborted = (_req: CommandRequest, ctx: ExecutionContext) =>
  new Promise<CommandResult>((resolve) =>
    ctx.signal.addEventListener('abort', () => {
      const timedOut = (ctx.signal.reason as { name?: string }).name === 'TimeoutError';
      resolve({ ok: false, error: timedOut ? { code: 'timeout', message: 'command timed out' } : { code: 'failed', message: 'command was cancelled' }, cwd: '/' });
    }),
  );

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

type LogLine = { level: string; msg: string };

async function connect(executor: Executor, opts: { maxConcurrent?: number; journal?: MemoryJournal; logs?: LogLine[] } = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const received: (Sent & { at: number })[] = [];
  const waiters: (() => void)[] = [];
  const socket = new Promise<WebSocket>((resolve) =>
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as Sent;
        if (msg.t === 'hello') {
          ws.send(JSON.stringify({ t: 'welcome', device_id: 'd', protocol: 1 }));
          return resolve(ws);
        }
        received.push({ ...msg, text: String(data), at: performance.now() });
        for (const w of waiters.splice(0)) w();
      });
    }),
  );
  const journal = opts.journal ?? new MemoryJournal();
  const client = new AgentClient({
    identity: { device_id: 'd'.repeat(32), agent_secret: 's', server_url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}` },
    executor,
    journal,
    transfers: () => ({ upload: () => Promise.reject(new Error('unused')), download: () => Promise.reject(new Error('unused')) }),
    inventoryEveryMs: 0,
    maxConcurrent: opts.maxConcurrent,
    log: (level, msg) => opts.logs?.push({ level, msg }),
  });
  const connected = new Promise((r) => client.once('connected', r));
  client.start();
  const ws = await socket;
  await connected;
  cleanup.push(() => {
    client.stop();
    wss.close();
  });
  let sentAt = 0;
  return {
    client,
    journal,
    received,
    command(id: string, timeout_ms = 10_000, name = 'pwd') {
      sentAt = performance.now();
      ws.send(JSON.stringify({ t: 'command', command: { id, name, args: {}, cwd: '/', timeout_ms } }));
    },
    send: (msg: object) => ws.send(JSON.stringify(msg)),
    sinceCommand: (m: { at: number }) => m.at - sentAt,
    /** The first message matching, once it has arrived. */
    async next(match: (m: Sent) => boolean, timeoutMs = 3000): Promise<Sent & { at: number }> {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (performance.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(received)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
  };
}

const resultOf = (id: string) => (m: Sent) => m.t === 'result' && m.id === id;

describe('AgentClient', () => {
  it('runs a command once: a copy after the result is re-answered from the journal, one after the ack is ignored', async () => {
    const executor = new FakeExecutor(async (req) => ok(req));
    const g = await connect(executor);
    g.command('a1');
    expect((await g.next(resultOf('a1'))).result).toEqual({ ok: true, data: { name: 'pwd' }, cwd: '/' });
    g.command('a1'); // a copy before the ack: the journaled result again
    await g.next((m) => g.received.filter(resultOf('a1')).length === 2 && resultOf('a1')(m));
    g.send({ t: 'result_ack', ids: ['a1'] });
    await new Promise((r) => setTimeout(r, 50));
    expect(g.journal.get('a1')).toEqual({ state: 'acked' });
    g.command('a1'); // a late copy after the ack
    await new Promise((r) => setTimeout(r, 100));
    expect(executor.ran).toHaveLength(1);
    expect(g.received.filter(resultOf('a1'))).toHaveLength(2);
    expect(g.received.some((m) => m.t === 'started')).toBe(false);
  });

  it('takes the acknowledgements a command frame carries', async () => {
    const executor = new FakeExecutor(async (req) => ok(req));
    const g = await connect(executor);
    g.command('b1');
    await g.next(resultOf('b1'));
    expect(g.journal.get('b1')).toMatchObject({ state: 'result' });
    g.send({ t: 'command', command: { id: 'b2', name: 'pwd', args: {}, cwd: '/', timeout_ms: 10_000 }, acks: ['b1'] });
    await g.next(resultOf('b2'));
    expect(g.journal.get('b1')).toEqual({ state: 'acked' });
    expect(g.journal.get('b2')).toMatchObject({ state: 'result' });
  });

  it('does not run again a command the journal says was started', async () => {
    const journal = new MemoryJournal();
    journal.started('s1');
    const executor = new FakeExecutor(async (req) => ok(req));
    const g = await connect(executor, { journal });
    g.command('s1');
    expect((await g.next(resultOf('s1'))).result).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(/at most once/) } });
    expect(executor.ran).toHaveLength(0);
  });

  it('tells the server a command is running only once it has run for 250 ms', async () => {
    const executor = new FakeExecutor(async (req) => {
      await new Promise((r) => setTimeout(r, req.id === 'slow' ? 400 : 20));
      return ok(req);
    });
    const g = await connect(executor);
    g.command('fast');
    await g.next(resultOf('fast'));
    g.command('slow');
    const started = await g.next((m) => m.t === 'started' && m.id === 'slow');
    expect(g.sinceCommand(started)).toBeGreaterThanOrEqual(240);
    await g.next(resultOf('slow'));
    expect(g.received.map((m) => `${m.t} ${m.id}`)).toEqual(['result fast', 'started slow', 'result slow']);
  });

  it('aborts a command at its timeout with a TimeoutError, and still sends the notice if it keeps running', async () => {
    const executor = new FakeExecutor(untilAborted);
    const g = await connect(executor);
    g.command('t1', 100);
    const result = await g.next(resultOf('t1'));
    expect(result.result).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(g.sinceCommand(result)).toBeGreaterThanOrEqual(90);
    expect(g.received.some((m) => m.t === 'started')).toBe(false);

    // Ignores the abort and ends only later: the server hears it is running.
    const stubborn = new FakeExecutor(async (req, ctx) => {
      await new Promise((r) => setTimeout(r, 400));
      // Asked for only now, after the timeout: it is made already aborted.
      expect(ctx.signal.aborted).toBe(true);
      expect((ctx.signal.reason as Error).name).toBe('TimeoutError');
      return ok(req);
    });
    const h = await connect(stubborn);
    h.command('t2', 50);
    await h.next((m) => m.t === 'started' && m.id === 't2');
    // A timeout is not a cancel: what the command answers is reported as it is.
    expect((await h.next(resultOf('t2'))).result).toMatchObject({ ok: true });

    // A long timeout fires after the notice.
    const i = await connect(new FakeExecutor(untilAborted));
    i.command('t3', 400);
    const t3 = await i.next(resultOf('t3'));
    expect(t3.result).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(i.received.map((m) => `${m.t} ${m.id}`)).toEqual(['started t3', 'result t3']);
    expect(i.sinceCommand(t3)).toBeGreaterThanOrEqual(390);
  });

  it('cancels a running command, and one still waiting for a slot never runs', async () => {
    const executor = new FakeExecutor(untilAborted);
    const g = await connect(executor, { maxConcurrent: 1 });
    g.command('c1');
    g.command('c2');
    await new Promise((r) => setTimeout(r, 50));
    expect(executor.ran.map((r) => r.req.id)).toEqual(['c1']); // c2 waits for the slot
    // c2 is reported when its turn comes, which is once c1 ends.
    g.send({ t: 'cancel', id: 'c2' });
    g.send({ t: 'cancel', id: 'c1' });
    expect((await g.next(resultOf('c1'))).result).toMatchObject({ ok: false, error: { code: 'failed', message: 'command was cancelled' } });
    expect((await g.next(resultOf('c2'))).result).toEqual({ ok: false, error: { code: 'failed', message: 'cancelled before it started' }, cwd: '/' });
    expect(executor.ran.map((r) => r.req.id)).toEqual(['c1']);
    expect(g.journal.get('c2')).toMatchObject({ state: 'result' });

    // A command that completes although it was cancelled is reported as cancelled.
    const stubborn = new FakeExecutor(async (req) => {
      await new Promise((r) => setTimeout(r, 100));
      return ok(req);
    });
    const h = await connect(stubborn);
    h.command('c3');
    await new Promise((r) => setTimeout(r, 20));
    h.send({ t: 'cancel', id: 'c3' });
    expect((await h.next(resultOf('c3'))).result).toEqual({ ok: false, error: { code: 'failed', message: 'cancelled' }, cwd: '/' });
  });

  it('runs at most maxConcurrent commands at once and starts the next as one ends', async () => {
    let running = 0;
    let most = 0;
    const executor = new FakeExecutor(async (req) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      return ok(req);
    });
    const g = await connect(executor, { maxConcurrent: 2 });
    for (let i = 0; i < 7; i++) g.command(`m${i}`);
    for (let i = 0; i < 7; i++) await g.next(resultOf(`m${i}`));
    expect(most).toBe(2);
    expect(executor.ran.map((r) => r.req.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('sends frozen result data as JSON.stringify would, serialising each frozen object once', async () => {
    const shared = Object.freeze({ path: '/a "quoted" \\ path', entries: Object.freeze([Object.freeze({ name: 'é', size: 1 })]) });
    const other = Object.freeze({ path: '/b', entries: Object.freeze([]) });
    const answers: Record<string, CommandResult> = {
      f1: { ok: true, data: shared, cwd: '/' },
      f2: { ok: true, data: shared, cwd: '/x' },
      f3: { ok: true, data: other, cwd: '/' },
      f4: { ok: true, data: { plain: ['x'] }, cwd: '/' },
      f5: { ok: false, error: { code: 'not_found', message: 'nope' }, cwd: '/' },
    };
    let stringified = 0;
    const toJSON = JSON.stringify;
    JSON.stringify = ((...args: Parameters<typeof toJSON>) => (args[0] === shared && stringified++, toJSON(...args))) as typeof JSON.stringify;
    try {
      const g = await connect(new FakeExecutor(async (req) => answers[req.id]));
      for (const id of Object.keys(answers)) {
        g.command(id);
        const sent = await g.next(resultOf(id));
        expect(sent.text).toBe(toJSON({ t: 'result', id, result: answers[id] }));
      }
      expect(stringified).toBe(1);
    } finally {
      JSON.stringify = toJSON;
    }
  });

  it('survives a journal that cannot write (disk full): the command is refused, logged, and the connection kept', async () => {
    const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    class FullDisk extends MemoryJournal {
      full = true;
      resultsFull = false;
      override started(id: string) {
        if (this.full) throw diskFull();
        super.started(id);
      }
      override result(id: string, result: CommandResult) {
        super.result(id, result);
        if (this.full || this.resultsFull) throw diskFull();
      }
      override acked(id: string) {
        if (this.full) throw diskFull();
        super.acked(id);
      }
    }
    const journal = new FullDisk();
    const logs: LogLine[] = [];
    const executor = new FakeExecutor(async (req) => ok(req));
    const g = await connect(executor, { journal, logs });
    const disconnected = vi.fn();
    g.client.on('disconnected', disconnected);

    g.command('f1');
    const refused = await g.next(resultOf('f1'));
    expect(refused.result).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(JSON.stringify(refused.result)).toMatch(/could not record this command in its journal \(ENOSPC.*it was not run/);
    expect(executor.ran).toHaveLength(0); // never run without its `started` line
    expect(logs.some((l) => l.level === 'error' && /ENOSPC/.test(l.msg))).toBe(true);

    // An ack it cannot write is logged too; the slot was released and the socket is still up.
    g.send({ t: 'result_ack', ids: ['f1'] });
    await new Promise((r) => setTimeout(r, 50));
    expect(logs.filter((l) => l.level === 'error' && /acknowledgement of f1/.test(l.msg))).toHaveLength(1);
    expect(g.client.connected).toBe(true);

    // Space again: the next command runs, and its result is journaled.
    journal.full = false;
    g.command('f2');
    expect((await g.next(resultOf('f2'))).result).toEqual({ ok: true, data: { name: 'pwd' }, cwd: '/' });
    expect(journal.get('f2')).toMatchObject({ state: 'result' });

    // A result that cannot be journaled is still sent (and kept in memory for a re-send).
    journal.resultsFull = true;
    g.command('f3');
    expect((await g.next(resultOf('f3'))).result).toMatchObject({ ok: true });
    expect(logs.some((l) => l.level === 'error' && /could not journal the result of f3/.test(l.msg))).toBe(true);
    expect(executor.ran).toHaveLength(2);
    expect(disconnected).not.toHaveBeenCalled();
  });

  it('never sends a result too large for a frame inline: it asks for an upload token, and reports a failed upload as an error', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const executor = new FakeExecutor(async (req) => ({ ok: true, data: { stdout: big }, cwd: req.cwd }));
    const g = await connect(executor);
    g.command('big1', 10_000, 'run');
    const ask = await g.next((m) => m.t === 'result_upload' && m.id === 'big1');
    expect(ask.text!.length).toBeLessThan(200);
    expect(g.received.some(resultOf('big1'))).toBe(false);
    // This stand-in's transfers refuse every upload: the command ends with a small error instead.
    g.send({ t: 'result_upload', id: 'big1', token: 'tok' });
    const failed = await g.next(resultOf('big1'));
    expect(failed.result).toMatchObject({ ok: false, error: { code: 'transfer_failed' } });
    expect(failed.text!.length).toBeLessThan(1000);
    expect(g.journal.get('big1')).toMatchObject({ state: 'result', result: { ok: false } });
  });

  it('cuts a long error message before journaling and sending it', async () => {
    const executor = new FakeExecutor(async (req) => ({ ok: false, error: { code: 'failed', message: 'e'.repeat(100_000) }, cwd: req.cwd }));
    const g = await connect(executor);
    g.command('err1');
    const r = await g.next(resultOf('err1'));
    const message = (r.result as { error: { message: string } }).error.message;
    expect(message.length).toBeLessThan(8300);
    expect(message).toMatch(/ … \[91808 more characters cut by the agent\]$/);
  });
});
