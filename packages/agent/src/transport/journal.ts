import fs from 'node:fs';
import path from 'node:path';
import type { CommandResult } from '../commands/types.ts';

/**
 * What the agent has done with each command id, kept so that a command runs at most once:
 * `started` is written (and synced) before the command runs; `result` once it has ended; an
 * entry is dropped when the server confirms it stored the result, leaving an `acked` mark for
 * the most recent ids: the server can still send such a command once more, from a read it made
 * before it stored the result (a reconnect's pending list, the sweeper), and that copy must not
 * run it again.
 */
export type JournalEntry = { state: 'started' } | { state: 'result'; result: CommandResult } | { state: 'acked' };

/**
 * Acknowledged ids are remembered this long, and at most this many: late copies arrive within
 * seconds of the ack, and a simulator holds 10,000 journals, so the bound is by age as well.
 */
const ACKED_REMEMBERED_MS = 5 * 60_000;
const ACKED_REMEMBERED = 1024;
const ACKED: JournalEntry = { state: 'acked' };
/** What is kept per command until its ack. */
type OpenEntry = Exclude<JournalEntry, { state: 'acked' }>;

/** The most recently acknowledged ids, oldest dropped first. */
class RecentlyAcked {
  private readonly ids = new Map<string, number>();
  add(id: string): void {
    const now = Date.now();
    this.ids.set(id, now);
    for (const [oldest, at] of this.ids) {
      if (this.ids.size <= ACKED_REMEMBERED && at > now - ACKED_REMEMBERED_MS) break;
      this.ids.delete(oldest);
    }
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
}

export interface Journal {
  get(id: string): JournalEntry | undefined;
  started(id: string): void;
  result(id: string, result: CommandResult): void;
  /** The server has the result: forget the command. */
  acked(id: string): void;
  /** Results the server may not have yet (re-sent after a reconnect). */
  unacknowledged(): [string, CommandResult][];
}

/** For simulated agents: the at-most-once rule within one process lifetime. */
export class MemoryJournal implements Journal {
  private readonly entries = new Map<string, OpenEntry>();
  private readonly recentlyAcked = new RecentlyAcked();
  get(id: string) {
    return this.entries.get(id) ?? (this.recentlyAcked.has(id) ? ACKED : undefined);
  }
  started(id: string) {
    this.entries.set(id, { state: 'started' });
  }
  result(id: string, result: CommandResult) {
    this.entries.set(id, { state: 'result', result });
  }
  acked(id: string) {
    if (this.entries.delete(id)) this.recentlyAcked.add(id);
  }
  unacknowledged(): [string, CommandResult][] {
    const out: [string, CommandResult][] = [];
    for (const [id, e] of this.entries) if (e.state === 'result') out.push([id, e.result]);
    return out;
  }
}

type Line = { id: string; s: 'started' } | { id: string; s: 'result'; r: CommandResult } | { id: string; s: 'acked' };

/** An append-only JSON-lines file, synced on every write, compacted when mostly acknowledged. */
export class FileJournal implements Journal {
  private readonly entries = new Map<string, OpenEntry>();
  private readonly recentlyAcked = new RecentlyAcked();
  private fd: number;
  private lines = 0;
  private closed = false;

  constructor(private readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (fs.existsSync(file)) {
      for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!text.trim()) continue;
        let line: Line;
        try {
          line = JSON.parse(text);
        } catch {
          continue; // a torn last line after a crash: everything before it is intact
        }
        this.apply(line);
        this.lines++;
      }
    }
    this.fd = fs.openSync(file, 'a', 0o600);
  }

  private apply(line: Line): void {
    if (line.s === 'started') this.entries.set(line.id, { state: 'started' });
    else if (line.s === 'result') this.entries.set(line.id, { state: 'result', result: line.r });
    else if (this.entries.delete(line.id)) this.recentlyAcked.add(line.id);
  }

  private append(line: Line): void {
    this.apply(line);
    // After close (agent stopping) a late result stays 'started' on disk: on the next start it is
    // reported as interrupted, never run again.
    if (this.closed) return;
    fs.writeSync(this.fd, JSON.stringify(line) + '\n');
    // Only 'started' must survive a power cut before the command runs: that is what keeps it from
    // running twice. A result or an ack that is written but not yet synced survives the agent's own
    // crash (it is in the OS's cache); losing it to a power cut costs a result, never a second run.
    if (line.s === 'started') fs.fdatasyncSync(this.fd);
    if (++this.lines > 1000 && this.entries.size * 4 < this.lines) this.compact();
  }

  private compact(): void {
    const tmp = `${this.file}.tmp`;
    const body = [...this.entries]
      .map(([id, e]) => JSON.stringify(e.state === 'started' ? { id, s: 'started' } : { id, s: 'result', r: e.result }))
      .join('\n');
    fs.writeFileSync(tmp, body ? body + '\n' : '', { mode: 0o600 });
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.lines = this.entries.size;
  }

  get(id: string) {
    return this.entries.get(id) ?? (this.recentlyAcked.has(id) ? ACKED : undefined);
  }
  started(id: string) {
    this.append({ id, s: 'started' });
  }
  result(id: string, result: CommandResult) {
    this.append({ id, s: 'result', r: result });
  }
  acked(id: string) {
    if (this.entries.has(id)) this.append({ id, s: 'acked' });
  }
  unacknowledged(): [string, CommandResult][] {
    const out: [string, CommandResult][] = [];
    for (const [id, e] of this.entries) if (e.state === 'result') out.push([id, e.result]);
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
