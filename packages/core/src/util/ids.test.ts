import { describe, expect, it, vi } from 'vitest';
import { timeOrderedUuid, timeOrderedUuidBound } from './ids.ts';

describe('timeOrderedUuid', () => {
  it('is an RFC 9562 version 7 UUID that starts with the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 5, 12, 0, 0, 123);
    vi.useFakeTimers({ now: at });
    try {
      const id = timeOrderedUuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sorts by creation time across milliseconds, and ids made in one millisecond still differ', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const first = Array.from({ length: 1000 }, timeOrderedUuid);
      vi.advanceTimersByTime(1);
      const second = timeOrderedUuid();
      expect(new Set(first).size).toBe(1000);
      for (const id of first) expect(id < second).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('timeOrderedUuidBound', () => {
  it('falls between the ids made before its time and those made at or after it', () => {
    vi.useFakeTimers({ now: 5_000_000 });
    try {
      const before = Array.from({ length: 200 }, timeOrderedUuid);
      vi.advanceTimersByTime(1);
      const at = Array.from({ length: 200 }, timeOrderedUuid);
      const bound = timeOrderedUuidBound(5_000_001);
      for (const id of before) expect(id < bound).toBe(true);
      for (const id of at) expect(id >= bound).toBe(true);
      expect(bound < timeOrderedUuidBound(5_000_002)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
