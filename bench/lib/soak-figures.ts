// The soak bench's figures (bench/soak.ts): commands lost or run twice, judged against the
// simulated agents' own execution counts, and the server's error-log lines per minute.
import fs from 'node:fs';

export interface Figure {
  line: string;
  pass: boolean;
}

export function judge(what: string, pass: boolean, target: string): Figure {
  return { pass, line: `${pass ? 'PASS' : 'FAIL'}  ${what} (target ${target})` };
}

export interface RunTally {
  issued: number;
  completed: number;
  /** Issued, and never stored, timed out, or "complete" without having run on its host. */
  lost: number;
  lostExamples: string[];
  /** Still queued, sent or running when the drain ended: their hosts had not come back (or answered) yet. */
  open: number;
  openStatuses: Record<string, number>;
  /** Ended as error or cancelled: reported, not lost (the agent said why). */
  otherEnds: number;
  otherStatuses: Record<string, number>;
  duplicated: number;
  duplicatedExamples: string[];
  executedIds: number;
  runs: number;
  executedNotIssued: number;
}

/**
 * `issued`: the ids the server answered for. `serverFile`: "id status" lines of what the server
 * stored. `runFiles`: "id count" lines, one file per fleet process, of what the agents executed.
 */
export function tallyRuns(issued: ReadonlySet<string>, serverFile: string, runFiles: string[]): RunTally {
  const status = new Map<string, string>();
  for (const [id, s] of pairs(serverFile)) status.set(id, s);
  const runs = new Map<string, number>();
  for (const file of runFiles) for (const [id, n] of pairs(file)) runs.set(id, (runs.get(id) ?? 0) + Number(n));

  const t: RunTally = { issued: issued.size, completed: 0, lost: 0, lostExamples: [], open: 0, openStatuses: {}, otherEnds: 0, otherStatuses: {}, duplicated: 0, duplicatedExamples: [], executedIds: runs.size, runs: 0, executedNotIssued: 0 };
  for (const id of issued) {
    const s = status.get(id) ?? 'missing';
    const ran = runs.get(id) ?? 0;
    if (s === 'complete' && ran > 0) t.completed++;
    else if (s === 'error' || s === 'cancelled') {
      t.otherEnds++;
      t.otherStatuses[s] = (t.otherStatuses[s] ?? 0) + 1;
    } else if ((s === 'queued' || s === 'sent' || s === 'running') && ran === 0) {
      t.open++;
      t.openStatuses[s] = (t.openStatuses[s] ?? 0) + 1;
    } else {
      t.lost++;
      if (t.lostExamples.length < 5) t.lostExamples.push(`${id} ${s}, run ${ran} times`);
    }
  }
  for (const [id, n] of runs) {
    t.runs += n;
    if (!issued.has(id)) t.executedNotIssued++;
    if (n > 1) {
      t.duplicated++;
      if (t.duplicatedExamples.length < 5) t.duplicatedExamples.push(`${id} ×${n}`);
    }
  }
  return t;
}

function* pairs(file: string): Generator<[string, string]> {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) yield [line.slice(0, space), line.slice(space + 1)];
  }
}

/** Counts the server's error-log lines (pino level 50 and above) per minute of the soak. */
export class ErrorLines {
  private readonly perMinute: number[] = [];
  private clock = 0;
  private before = 0;
  private echoed = 0;
  private restartMinute = -1;

  startClock(at: number): void {
    this.clock = at;
  }

  /** One line of the server's output; answers whether to show it (the first errors, and anything not a log line). */
  see(line: string): boolean {
    if (!line.startsWith('{')) return true;
    let level = 0;
    try {
      level = (JSON.parse(line) as { level?: number }).level ?? 0;
    } catch {
      return true;
    }
    if (level < 50) return false;
    if (!this.clock) this.before++;
    else {
      const m = Math.floor((Date.now() - this.clock) / 60_000);
      this.perMinute[m] = (this.perMinute[m] ?? 0) + 1;
    }
    return this.echoed++ < 20;
  }

  mark(_what: 'restart'): void {
    this.restartMinute = Math.floor((Date.now() - this.clock) / 60_000);
  }

  inMinute(m: number): number {
    return this.perMinute[m] ?? 0;
  }

  /** Flat: the second half's mean per minute is at most the first half's plus two (the restart's minute left out). */
  figure(minutes: number): Figure {
    const counts = Array.from({ length: minutes }, (_, m) => this.inMinute(m));
    const half = Math.floor(minutes / 2);
    const mean = (ms: number[]) => (ms.length ? ms.reduce((a, m) => a + counts[m], 0) / ms.length : 0);
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i).filter((m) => m !== this.restartMinute);
    const first = mean(range(0, half));
    const second = mean(range(half, minutes));
    return judge(
      `server error-log lines per minute: ${counts.join(' ')} (restart in minute ${this.restartMinute}; ${this.before} during setup); mean ${first.toFixed(1)} first half, ${second.toFixed(1)} second half`,
      second <= first + 2,
      'flat: second half <= first half + 2 per minute',
    );
  }
}
