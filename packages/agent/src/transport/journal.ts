import fs from 'node:fs';
import path from 'node:path';
import type { CommandResult } from '../commands/index.ts';

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

/** A journal line that could not be read: where, and whose it was when that much is legible. */
export interface JournalDamage {
  line: number;
  id?: string;
}

/** The line as written by `append`, or undefined when it is not one. */
function parseLine(raw: string): Line | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const l = v as { id?: unknown; s?: unknown; r?: { ok?: unknown; cwd?: unknown } };
  if (typeof l.id !== 'string' || !l.id || l.id.length > 64) return undefined;
  if (l.s === 'started' || l.s === 'acked') return l as Line;
  if (l.s === 'result' && typeof l.r === 'object' && l.r !== null && typeof l.r.ok === 'boolean' && typeof l.r.cwd === 'string') return l as Line;
  return undefined;
}

/** What a command with a damaged journal line is answered: it may have run, so it never runs again. */
function damagedResult(id: string): CommandResult {
  return {
    ok: false,
    error: { code: 'failed', message: `the agent's journal entry for command ${id} is damaged; it is not run (again) so that it runs at most once` },
    cwd: '',
  };
}

/** An append-only JSON-lines file, synced on every write, compacted when mostly acknowledged. */
export class FileJournal implements Journal {
  private readonly entries = new Map<string, OpenEntry>();
  private readonly recentlyAcked = new RecentlyAcked();
  private fd: number;
  private lines = 0;
  private compactAfter = 1000;
  private closed = false;

  /** Damaged lines found on opening (not counting a torn last line), for the agent to report. */
  readonly damage: JournalDamage[] = [];

  constructor(private readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (fs.existsSync(file)) this.load();
    this.fd = fs.openSync(file, 'a', 0o600);
  }

  /**
   * Replays the file. A crash can tear only the last write, so an unparseable last line without
   * its newline is dropped (and cut from the file, or the next line would be glued to it). Any
   * other damage means the disk lost what it had accepted: such a command may have started, so it
   * is answered with an error and never run; one whose id cannot be read is reported.
   */
  private load(): void {
    const bytes = fs.readFileSync(this.file);
    // Split on the last newline byte: a torn write may end inside a multi-byte character.
    const end = bytes.lastIndexOf(0x0a) + 1;
    const lines = bytes.subarray(0, end).toString('utf8').split('\n');
    lines.pop(); // '' after the last newline
    lines.forEach((raw, i) => this.replay(raw, i + 1));
    const tail = bytes.subarray(end).toString('utf8'); // '' unless the last write was torn
    if (!tail.trim()) return;
    if (this.replay(tail, lines.length + 1, true)) fs.appendFileSync(this.file, '\n');
    else fs.truncateSync(this.file, end);
  }

  /** Applies one line; false when it is damaged (and, unless torn, recorded as damage). */
  private replay(raw: string, lineNumber: number, torn = false): boolean {
    if (!raw.trim()) return true;
    const line = parseLine(raw);
    if (line) {
      this.apply(line);
      this.lines++;
      return true;
    }
    if (torn) return false;
    const id = /"id":"([^"\\]{1,64})"/.exec(raw)?.[1];
    this.damage.push({ line: lineNumber, ...(id ? { id } : {}) });
    if (id) {
      this.entries.set(id, { state: 'result', result: damagedResult(id) });
      this.lines++;
    }
    return false;
  }

  private apply(line: Line): void {
    if (line.s === 'started') this.entries.set(line.id, { state: 'started' });
    else if (line.s === 'result') this.entries.set(line.id, { state: 'result', result: line.r });
    else if (this.entries.delete(line.id)) this.recentlyAcked.add(line.id);
  }

  /**
   * Throws when the disk refuses the write (full, failing). A result or an ack is kept in memory
   * even then (the result can still be sent); `started` counts only once it is on disk, because
   * the command must not run unless it is.
   */
  private append(line: Line): void {
    if (line.s !== 'started') this.apply(line);
    // After close (agent stopping) a late result stays 'started' on disk: on the next start it is
    // reported as interrupted, never run again.
    if (!this.closed) {
      fs.writeSync(this.fd, JSON.stringify(line) + '\n');
      // Only 'started' must survive a power cut before the command runs: that is what keeps it from
      // running twice. A result or an ack that is written but not yet synced survives the agent's own
      // crash (it is in the OS's cache); losing it to a power cut costs a result, never a second run.
      if (line.s === 'started') fs.fdatasyncSync(this.fd);
    }
    if (line.s === 'started') this.apply(line);
    if (this.closed) return;
    if (++this.lines > this.compactAfter && this.entries.size * 4 < this.lines) {
      try {
        this.compact();
        this.compactAfter = 1000;
      } catch {
        // Compaction only saves space; the appended file is still whole. Try again much later.
        fs.rmSync(`${this.file}.tmp`, { force: true });
        this.compactAfter = this.lines + 1000;
      }
    }
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
