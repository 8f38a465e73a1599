import { describe, expect, it } from 'vitest';
import { parseFqlDate } from './dates.ts';

const now = new Date('2026-03-15T12:30:45.678Z');
const iso = (text: string) => {
  const d = parseFqlDate(text, now);
  return d?.kind === 'instant' ? d.iso : d;
};

describe('parseFqlDate', () => {
  it('reads a date without time as the whole UTC day', () => {
    expect(parseFqlDate('2024-01-02', now)).toEqual({ kind: 'day', first: '2024-01-02T00:00:00.000Z', last: '2024-01-02T23:59:59.999Z' });
    expect(parseFqlDate('2024-02-29', now)).toMatchObject({ kind: 'day' });
    expect(parseFqlDate('9999-12-31', now)).toMatchObject({ last: '9999-12-31T23:59:59.999Z' });
  });

  it.each([
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05', '2024-01-02T03:04:05.000Z'], // no zone: UTC
    ['2024-01-02 03:04', '2024-01-02T03:04:00.000Z'],
    ['2024-01-02t03:04:05z', '2024-01-02T03:04:05.000Z'],
    ['2024-01-02T03:04:05.6Z', '2024-01-02T03:04:05.600Z'],
    ['2024-01-02T03:04:05.678901Z', '2024-01-02T03:04:05.678Z'],
    ['2024-01-02T03:04:05+02:00', '2024-01-02T01:04:05.000Z'],
    ['2024-01-02T03:04:05-0130', '2024-01-02T04:34:05.000Z'],
    ['2024-01-02T01:00:00+02', '2024-01-01T23:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'], // not 1950
  ])('absolute %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it.each([
    ['now', '2026-03-15T12:30:45.678Z'],
    ['NOW', '2026-03-15T12:30:45.678Z'],
    ['now-1d', '2026-03-14T12:30:45.678Z'],
    ['now+2h', '2026-03-15T14:30:45.678Z'],
    ['now-30m', '2026-03-15T12:00:45.678Z'],
    ['now-45s', '2026-03-15T12:30:00.678Z'],
    ['now-1w', '2026-03-08T12:30:45.678Z'],
    ['now-1y', '2025-03-15T12:30:45.678Z'],
    ['now-2mo', '2026-01-15T12:30:45.678Z'],
    ['now-7days', '2026-03-08T12:30:45.678Z'],
    ['now-3hours', '2026-03-15T09:30:45.678Z'],
    ['now-1d-12h', '2026-03-14T00:30:45.678Z'],
  ])('relative %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it.each([
    'yesterday', '', '2024-1-2', '2024-13-01', '2024-02-30', '2023-02-29', '2024-01-02T24:00:00Z',
    '2024-01-02T03:60', '2024-01-02Z', 'now-1', 'now-1x', 'now-d', 'now 1d', '2024-01-02T03:04:05+25:00',
    'now-999999999y', 'now+99999999w',
  ])('rejects %j', (text) => {
    expect(parseFqlDate(text, now)).toBeUndefined();
  });
});
