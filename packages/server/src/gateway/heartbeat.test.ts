import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentConnection } from './agent-connection.ts';
import { startHeartbeat } from './heartbeat.ts';

describe('startHeartbeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings each connection once a period, a slice of them at a time, and reports the live ones as seen', () => {
    vi.useFakeTimers();
    const pings = new Map<string, number[]>();
    const connections = new Map<string, AgentConnection>();
    for (let i = 0; i < 3000; i++) {
      const id = i.toString(16).padStart(32, '0');
      // Every tenth connection is dead: its ping answers false.
      connections.set(id, { ping: () => (pings.set(id, [...(pings.get(id) ?? []), Date.now()]), i % 10 !== 0) } as unknown as AgentConnection);
    }
    const seen: string[][] = [];
    const stop = startHeartbeat(connections, 30_000, (ids) => seen.push(ids));
    const start = Date.now();
    vi.advanceTimersByTime(60_000);
    stop();

    // Every connection, twice in two periods, one period apart.
    expect(pings.size).toBe(3000);
    for (const times of pings.values()) {
      expect(times).toHaveLength(2);
      expect(times[1] - times[0]).toBe(30_000);
    }
    // Spread out: no tick took more than a few times its share.
    const perTick = new Map<number, number>();
    for (const times of pings.values()) for (const t of times) perTick.set(t - start, (perTick.get(t - start) ?? 0) + 1);
    expect(perTick.size).toBe(60);
    expect(Math.max(...perTick.values())).toBeLessThan(3 * (3000 / 30));
    // Seen: the live ones only, each once a period.
    const seenIds = seen.flat();
    expect(seenIds).toHaveLength(2 * 2700);
    expect(new Set(seenIds).size).toBe(2700);
  });
});
