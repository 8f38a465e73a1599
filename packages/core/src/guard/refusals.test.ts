import { describe, expect, it } from 'vitest';
import { ServiceError } from '../util/errors.ts';
import { ResponseGuard } from './index.ts';

// Fan-outs ask the guard about thousands of hosts at once: `refusals` must agree with `check`.
describe('ResponseGuard.refusals', () => {
  const deny = (id: string) => new ServiceError('forbidden_by_policy', `no ${id}`);

  it('allows everything when nothing is registered', async () => {
    expect((await new ResponseGuard().refusals(['a', 'b'], 'get')).size).toBe(0);
  });

  it('answers per host with the per-host check, a few at a time', async () => {
    const guard = new ResponseGuard();
    let inFlight = 0;
    let most = 0;
    guard.register(async (id, cap) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      if (cap === 'run' && Number(id) % 3 === 0) throw deny(id);
    });
    const ids = Array.from({ length: 100 }, (_, i) => String(i));
    const out = await guard.refusals([...ids, '3'], 'run');
    expect([...out.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(ids.filter((i) => Number(i) % 3 === 0));
    expect(out.get('3')!.message).toBe('no 3');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    expect((await guard.refusals(ids, 'ls' as never)).size).toBe(0);
  });

  it('uses the bulk form when every check has one, and lets real faults through', async () => {
    const guard = new ResponseGuard();
    const calls: number[] = [];
    guard.register(
      async () => {
        throw new Error('per-host path must not be used');
      },
      async (ids) => {
        calls.push(ids.length);
        return new Map(ids.filter((id) => id === 'x').map((id) => [id, deny(id)]));
      },
    );
    const out = await guard.refusals(['x', 'y', 'x'], 'get');
    expect([...out.keys()]).toEqual(['x']);
    expect(calls).toEqual([2]);

    const faulty = new ResponseGuard();
    faulty.register(async () => {
      throw new Error('database down');
    });
    await expect(faulty.refusals(['a'], 'get')).rejects.toThrow('database down');
  });
});
