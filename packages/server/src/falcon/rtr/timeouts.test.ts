import { describe, expect, it } from 'vitest';
import { parseGoDuration, resolveTimeouts } from './timeouts.ts';

describe('RTR timeouts', () => {
  it('reads Go durations', () => {
    expect(parseGoDuration('30s')).toBe(30_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['', '30', 's', '1x', '-5s', '1m 30s', '1e3s']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('defaults to 30 s and leaves each host a little less', () => {
    expect(resolveTimeouts({})).toEqual({ requestMs: 30_000, hostMs: 28_000 });
    expect(resolveTimeouts({ timeout: 120 })).toEqual({ requestMs: 120_000, hostMs: 118_000 });
    expect(resolveTimeouts({ timeout: 5, timeout_duration: '10s', host_timeout_duration: '4s' })).toEqual({ requestMs: 10_000, hostMs: 4_000 });
  });

  it('refuses bad or oversized durations with a 400', () => {
    expect(() => resolveTimeouts({ timeout_duration: '11m' })).toThrow(/timeout_duration must be at most 10m/);
    expect(() => resolveTimeouts({ timeout_duration: 'soon' })).toThrow(/is not a duration/);
    expect(() => resolveTimeouts({ timeout_duration: '0' })).toThrow(/at least 1ms/);
    expect(() => resolveTimeouts({ timeout: 10, host_timeout_duration: '20s' })).toThrow(/cannot be longer than the request timeout/);
    try {
      resolveTimeouts({ timeout_duration: 'x' });
    } catch (e) {
      expect((e as { status: number }).status).toBe(400);
    }
  });
});
