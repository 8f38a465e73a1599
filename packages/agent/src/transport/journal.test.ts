import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileJournal, MemoryJournal, type Journal } from './journal.ts';

const ok = { ok: true as const, data: { path: '/' }, cwd: '/' };

describe.each([
  ['MemoryJournal', () => new MemoryJournal()],
  ['FileJournal', () => new FileJournal(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-journal-')), 'journal'))],
] as [string, () => Journal][])('%s', (_name, make) => {
  afterEach(() => vi.useRealTimers());

  it('remembers an acknowledged command for a few minutes, then forgets it', () => {
    vi.useFakeTimers();
    const j = make();
    j.started('a');
    j.result('a', ok);
    expect(j.unacknowledged()).toEqual([['a', ok]]);
    j.acked('a');
    expect(j.get('a')).toEqual({ state: 'acked' });
    expect(j.unacknowledged()).toEqual([]);
    vi.advanceTimersByTime(4 * 60_000);
    j.started('b');
    j.result('b', ok);
    j.acked('b');
    expect(j.get('a')).toEqual({ state: 'acked' });
    // Past five minutes the next ack drops it: a 10,000-agent simulator keeps 10,000 journals.
    vi.advanceTimersByTime(2 * 60_000);
    j.started('c');
    j.result('c', ok);
    j.acked('c');
    expect(j.get('a')).toBeUndefined();
    expect(j.get('b')).toEqual({ state: 'acked' });
  });
});
