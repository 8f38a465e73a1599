/**
 * The catalogue of failures a caller causes or may act on, each with the HTTP status every
 * dialect answers it with. Dialects render a kind in their own envelope (Falcon's `errors`,
 * Carbon Black's `error_code`, the agent's `{error: {code}}`); core never speaks HTTP beyond this.
 */
export const ERROR_KINDS = {
  /** The request is malformed or asks for something impossible (a filter, a duration, a file name). */
  bad_input: 400,
  /** Credentials are missing or wrong. */
  unauthorized: 401,
  /** The caller lacks a permission the operation needs, or the thing is switched off. */
  forbidden: 403,
  /** A response policy refuses the command on this host. */
  forbidden_by_policy: 403,
  not_found: 404,
  /** The host exists but its agent is not connected, and the caller did not ask to queue. */
  host_offline: 404,
  /** The thing's state does not allow the operation (already ended, name taken, too busy). */
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  /** Received bytes do not hash to the sha256 announced. */
  digest_mismatch: 422,
  /** Received bytes are not as many as announced. */
  size_mismatch: 422,
  too_many_requests: 429,
  /** Content a stored record points at is gone from the blob store: this deployment's fault. */
  content_missing: 500,
  /** The server cannot take more work now; retry shortly. */
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/**
 * A failure a caller caused or may act on, of one kind of the catalogue. Dialects turn these into
 * their own envelope with `status`; anything else that escapes a service is a server fault (500,
 * logged, never shown).
 */
export class ServiceError extends Error {
  readonly status: number;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** Per-id detail where a request named several ids. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ServiceError';
    this.status = ERROR_KINDS[kind];
  }
}

/** The first kind answered with `status` (a 4xx from a parser, say); `bad_input` for any other. */
export function kindForStatus(status: number): ErrorKind {
  return (Object.keys(ERROR_KINDS) as ErrorKind[]).find((k) => ERROR_KINDS[k] === status) ?? 'bad_input';
}

export const badRequest = (msg: string) => new ServiceError('bad_input', msg);
export const notFound = (msg: string) => new ServiceError('not_found', msg);
export const forbidden = (msg: string) => new ServiceError('forbidden', msg);
export const conflict = (msg: string) => new ServiceError('conflict', msg);
