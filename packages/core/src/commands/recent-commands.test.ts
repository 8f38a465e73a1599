import { describe, expect, it } from 'vitest';
import type { CommandRecord } from './command-service.ts';
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
