/**
 * A failure a caller caused or may act on. Dialects turn these into their own envelope with
 * `status`; anything else that escapes a service is a server fault (500, logged, never shown).
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Machine-readable reason; dialects may map it (Carbon Black's `error_code`). */
    readonly code: string = defaultCode(status),
    /** Per-id detail where a request named several ids. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

function defaultCode(status: number): string {
  switch (status) {
    case 400: return 'INVALID_ARGUMENT';
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 429: return 'TOO_MANY_REQUESTS';
    default: return 'ERROR';
  }
}

export const badRequest = (msg: string, code?: string) => new ServiceError(400, msg, code);
export const notFound = (msg: string) => new ServiceError(404, msg);
export const forbidden = (msg: string, code?: string) => new ServiceError(403, msg, code);
export const conflict = (msg: string) => new ServiceError(409, msg);
