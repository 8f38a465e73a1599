import { describe, expect, it } from 'vitest';
import { parseExpiry } from './enrollment.ts';

describe('enroll-tokens create --expires', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads durations and ISO times', () => {
    expect(parseExpiry('7d', now)).toBe('2026-01-08T00:00:00.000Z');
    expect(parseExpiry('12h', now)).toBe('2026-01-01T12:00:00.000Z');
    expect(parseExpiry('30m', now)).toBe('2026-01-01T00:30:00.000Z');
    expect(parseExpiry('2w', now)).toBe('2026-01-15T00:00:00.000Z');
    expect(parseExpiry('2026-02-01T10:00:00Z', now)).toBe('2026-02-01T10:00:00.000Z');
  });

  it('refuses nonsense, zero and the past with a message naming the option', () => {
    expect(() => parseExpiry('yesterday', now)).toThrow(/--expires yesterday: give a duration/);
    expect(() => parseExpiry('0d', now)).toThrow(/more than zero/);
    expect(() => parseExpiry('2025-01-01T00:00:00Z', now)).toThrow(/has passed/);
  });
});
