/** What the generated code needs to know about one operation to call it. */
export interface OperationSpec {
  method: string;
  path: string;
  scope: string | null;
  /** Query parameters sent as repeated keys. */
  arrayQuery?: readonly string[];
  /** Multipart file fields. */
  files?: readonly string[];
  /** Non-JSON success body: the call answers the raw Response. */
  produces?: string;
  /** Outside the Falcon envelope (health, OpenAPI): the raw Response. */
  raw?: boolean;
  /** OAuth2: no bearer token, and the answer's fields are at the top level. */
  bare?: boolean;
}

export interface CallOptions {
  /** Aborts the call (with the client's timeout, whichever comes first). */
  signal?: AbortSignal;
  /** This call's timeout; the client's default otherwise. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface FalconError {
  code: number;
  message: string;
  [key: string]: unknown;
}

/** A Falcon answer: `resources` typed per operation, plus the operation's own top-level fields (batch_id, combined…). */
export interface Envelope<R> {
  meta: { query_time?: number; trace_id?: string; pagination?: { offset?: number | string; limit?: number; total?: number }; [key: string]: unknown };
  resources: R[];
  errors: FalconError[];
  [key: string]: unknown;
}
