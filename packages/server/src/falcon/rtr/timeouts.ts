import { ServiceError } from '@riposte/core';

/**
 * The RTR request timeouts: `timeout` (seconds) or `timeout_duration` (Go syntax, which wins when
 * both are given) for how long the request waits — default 30 s, at most 10 minutes — and, for
 * batches, `host_timeout_duration` for how long each host has: by default a little less than the
 * request timeout, and never more.
 */

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 600_000;
/** What the default host timeout leaves for collecting and answering. */
const HOST_MARGIN_MS = 2_000;

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds of a Go duration (`1m30s`, `1.5h`, `500ms`, `0`); undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  let ms = 0;
  let at = 0;
  TERM.lastIndex = 0;
  while (at < text.length) {
    TERM.lastIndex = at;
    const m = TERM.exec(text);
    if (!m) return undefined;
    ms += Number(m[1]) * UNIT_MS[m[2]];
    at = TERM.lastIndex;
  }
  return at === 0 || !Number.isFinite(ms) ? undefined : ms;
}

function duration(name: string, text: string, max: number): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new ServiceError('bad_input', `${name} "${text.slice(0, 64)}" is not a duration (e.g. 30s, 1m30s; units ns, us, ms, s, m, h)`);
  if (ms < 1) throw new ServiceError('bad_input', `${name} must be at least 1ms`);
  if (ms > max) throw new ServiceError('bad_input', `${name} must be at most ${formatMs(max)}, not ${text.slice(0, 64)}`);
  return Math.round(ms);
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

export interface RequestTimeouts {
  /** How long the request may wait. */
  requestMs: number;
  /** How long each host has (batch operations; equals requestMs elsewhere). */
  hostMs: number;
}

export function resolveTimeouts(query: { timeout?: number; timeout_duration?: string; host_timeout_duration?: string }): RequestTimeouts {
  const requestMs =
    query.timeout_duration !== undefined
      ? duration('timeout_duration', query.timeout_duration, MAX_TIMEOUT_MS)
      : query.timeout !== undefined
        ? query.timeout * 1000
        : DEFAULT_TIMEOUT_MS;
  if (query.host_timeout_duration === undefined) {
    return { requestMs, hostMs: requestMs > 2 * HOST_MARGIN_MS ? requestMs - HOST_MARGIN_MS : Math.max(1, Math.floor(requestMs / 2)) };
  }
  const hostMs = duration('host_timeout_duration', query.host_timeout_duration, MAX_TIMEOUT_MS);
  if (hostMs > requestMs) {
    throw new ServiceError('bad_input', `host_timeout_duration (${query.host_timeout_duration}) cannot be longer than the request timeout (${formatMs(requestMs)})`);
  }
  return { requestMs, hostMs };
}
