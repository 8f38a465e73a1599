import type { FalconError } from './types.ts';

/** The server answered with an error status: its status, trace id and the envelope's errors. */
export class RiposteApiError extends Error {
  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly traceId: string | undefined,
    readonly errors: FalconError[],
    /** The parsed answer (a batch's per-host resources come with some errors). */
    readonly body: unknown,
  ) {
    super(errors.length ? errors.map((e) => e.message).join('; ') : `${operationId} answered HTTP ${status}`);
    this.name = 'RiposteApiError';
  }

  /** The first error's code, e.g. `RESPONSE_POLICY_DENIED` when the server gives one. */
  get code(): unknown {
    return this.errors[0]?.code;
  }
}

/** The server could not be reached (refused, reset, DNS, TLS). */
export class RiposteConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    const why = (cause as { cause?: { code?: string; message?: string } })?.cause;
    super(`cannot reach ${url}: ${why?.code ?? why?.message ?? (cause instanceof Error ? cause.message : String(cause))}`);
    this.name = 'RiposteConnectionError';
  }
}

/** The call took longer than its timeout. */
export class RiposteTimeoutError extends Error {
  constructor(
    readonly operationId: string,
    readonly timeoutMs: number,
  ) {
    super(`${operationId} got no answer within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'RiposteTimeoutError';
  }
}

/** An answer's body as JSON (`{}` when empty), or undefined when it is not JSON. */
export function jsonBody(text: string): any {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}
