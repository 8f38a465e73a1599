import { describe, expect, it } from 'vitest';
import type { CommandRecord } from './index.ts';
import { RecentCommands } from './recent-commands.ts';

const record = (id: string): CommandRecord =>
  ({ id, device_id: 'd', status: 'queued', sent_at: null, completed_at: null, result: null, result_cwd: null, error: null }) as unknown as CommandRecord;

describe('RecentCommands', () => {
  it('serves only ends this process wrote; anything else is left to the database', () => {
    const recent = new RecentCommands();
    recent.remember([record('a'), record('b'), record('c')]);
    expect(recent.isOpenHere('a')).toBe(true);
    expect(recent.final('a')).toBeUndefined();

    recent.ended('a', { status: 'complete', sent_at: 't0', completed_at: 't1', result: { x: 1 }, result_cwd: '/', error: null });
    expect(recent.final('a')).toMatchObject({ id: 'a', status: 'complete', result: { x: 1 }, sent_at: 't0' });
    expect(recent.hasEnded('a')).toBe(true);

    // Ended by a write made elsewhere: known to be over, but its content comes from the database.
    recent.endedElsewhere(['a', 'b']);
    expect(recent.final('a')).toMatchObject({ status: 'complete' });
    expect(recent.hasEnded('b')).toBe(true);
    expect(recent.isOpenHere('b')).toBe(false);
    expect(recent.final('b')).toBeUndefined();

    // Never issued here: nothing is known.
    expect(recent.isOpenHere('zzz')).toBe(false);
    expect(recent.hasEnded('zzz')).toBe(false);
    recent.ended('zzz', { status: 'complete', sent_at: null, completed_at: null, result: null, result_cwd: null, error: null });
    expect(recent.final('zzz')).toBeUndefined();
  });
});

describe('RecentCommands bounds', () => {
  const end = (recent: RecentCommands, id: string, bytes: number) =>
    recent.ended(id, { status: 'complete', sent_at: 't0', completed_at: 't1', result: { size: bytes }, result_cwd: '/', error: null }, bytes);

  it('holds results within its byte budget, dropping the oldest first', () => {
    const recent = new RecentCommands(1_000_000);
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    recent.remember(ids.map(record));
    for (const id of ids) end(recent, id, 100_000);
    // Twenty results of 100 kB do not fit in 1 MB: the oldest went, the newest are served.
    expect(recent.size().bytes).toBeLessThanOrEqual(1_000_000);
    expect(recent.final('c19')).toMatchObject({ status: 'complete' });
    expect(recent.final('c0')).toBeUndefined();
    // Dropped is not "ended" nor "open here": the database is asked.
    expect(recent.hasEnded('c0')).toBe(false);
    expect(recent.isOpenHere('c0')).toBe(false);
  });

  it('never keeps one oversized result, nor a command with oversized arguments', () => {
    const recent = new RecentCommands();
    recent.remember([record('big-result'), record('big-args')], [10, 5_000_000]);
    end(recent, 'big-result', 5_000_000);
    expect(recent.final('big-result')).toBeUndefined();
    expect(recent.hasEnded('big-result')).toBe(true);
    expect(recent.isOpenHere('big-args')).toBe(false);
    expect(recent.size().bytes).toBeLessThan(2_000);
  });
});
