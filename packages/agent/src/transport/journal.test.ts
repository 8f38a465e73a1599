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

describe('FileJournal on a damaged file', () => {
  const fresh = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-journal-')), 'journal');
  const line = (v: unknown) => JSON.stringify(v) + '\n';

  it('drops a torn last line silently, and cuts it so the next line starts clean', () => {
    const file = fresh();
    fs.writeFileSync(file, line({ id: 'a', s: 'started' }) + line({ id: 'a', s: 'result', r: ok }) + '{"id":"b","s":"sta');
    const j = new FileJournal(file);
    expect(j.damage).toEqual([]);
    expect(j.get('a')).toEqual({ state: 'result', result: ok });
    expect(j.get('b')).toBeUndefined(); // never started: it was not synced, so it never ran
    j.started('c');
    j.close();
    const again = new FileJournal(file);
    expect(again.damage).toEqual([]);
    expect(again.get('c')).toEqual({ state: 'started' });
    expect(again.get('a')).toEqual({ state: 'result', result: ok });
    again.close();
  });

  it('cuts a torn last line that ends inside a multi-byte character at the right byte', () => {
    const file = fresh();
    const good = line({ id: 'é1', s: 'started' });
    fs.writeFileSync(file, Buffer.concat([Buffer.from(good), Buffer.from('{"id":"é2","s":"st€').subarray(0, 19)]));
    const j = new FileJournal(file);
    expect(j.damage).toEqual([]);
    j.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
  });

  it('keeps a complete last line that only lacks its newline', () => {
    const file = fresh();
    fs.writeFileSync(file, line({ id: 'a', s: 'started' }).trimEnd());
    const j = new FileJournal(file);
    j.started('b');
    j.close();
    const again = new FileJournal(file);
    expect(again.damage).toEqual([]);
    expect(again.get('a')).toEqual({ state: 'started' });
    expect(again.get('b')).toEqual({ state: 'started' });
    again.close();
  });

  it('reports damage before the last line and answers the affected command with an error, never running it', () => {
    const file = fresh();
    fs.writeFileSync(
      file,
      line({ id: 'ok1', s: 'started' }) +
        '{"id":"hurt","s":"st\u0000\u0000rted"}\n' + // bytes lost inside a synced line
        'garbage without an id\n' +
        line({ id: 'no-state' }) + // parses, but is not a journal line
        line({ id: 'ok2', s: 'started' }),
    );
    const j = new FileJournal(file);
    expect(j.damage).toEqual([{ line: 2, id: 'hurt' }, { line: 3 }, { line: 4, id: 'no-state' }]);
    expect(j.get('ok1')).toEqual({ state: 'started' });
    expect(j.get('ok2')).toEqual({ state: 'started' });
    const hurt = j.get('hurt');
    expect(hurt).toMatchObject({ state: 'result', result: { ok: false, error: { code: 'failed' } } });
    expect(JSON.stringify(hurt)).toMatch(/damaged; it is not run/);
    // Sent to the server on the next welcome, like any result it may not have.
    expect(j.unacknowledged().map(([id]) => id).sort()).toEqual(['hurt', 'no-state']);
    j.close();
  });

  it('lets a later good line for the same command win over an earlier damaged one', () => {
    const file = fresh();
    fs.writeFileSync(file, '{"id":"x","s":"started"\n' + line({ id: 'x', s: 'result', r: ok }) + line({ id: 'y', s: 'started' }));
    const j = new FileJournal(file);
    expect(j.damage).toEqual([{ line: 1, id: 'x' }]);
    expect(j.get('x')).toEqual({ state: 'result', result: ok });
    j.close();
  });
});
