import { jsonBody, RiposteApiError, RiposteConnectionError, RiposteTimeoutError } from './errors.ts';
import { GeneratedOperations, OPERATIONS, type OperationId } from './generated.ts';
import { queryString, requestBody, type CallInput } from './request.ts';
import type { CallOptions, OperationSpec } from './types.ts';

export interface ClientOptions {
  /** `http://127.0.0.1:8080` or an https URL (a private CA goes in NODE_EXTRA_CA_CERTS). */
  server: string;
  clientId: string;
  clientSecret: string;
  /** Default timeout of one call; calls with a `timeout` query parameter get that plus a margin. */
  timeoutMs?: number;
  /** How many times a 429 is waited out before giving up. */
  rateLimitRetries?: number;
  fetch?: typeof fetch;
}

interface Token {
  value: string;
  renewAt: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** A call that waits on the server (`timeout=` seconds) gets this much longer on the client. */
const SERVER_WAIT_MARGIN_MS = 15_000;
const MAX_RATE_WAIT_MS = 60_000;

/**
 * riposte's typed client: every operation of the registry as a method (see generated.ts), with
 * the token fetched, cached and renewed before it expires, one retry of a 401 with a fresh token,
 * 429 waited out until X-Ratelimit-Retryafter, timeouts, and typed errors. Node's fetch keeps
 * connections alive between calls.
 */
export class RiposteClient extends GeneratedOperations {
  readonly server: string;
  private token?: Token;
  private pendingToken?: Promise<Token>;
  private readonly fetchFn: typeof fetch;

  constructor(readonly options: ClientOptions) {
    super();
    this.server = options.server.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  /** A bearer token, cached until shortly before it expires; `fresh` forces a new one. */
  async accessToken(fresh = false): Promise<string> {
    if (!fresh && this.token && Date.now() < this.token.renewAt) return this.token.value;
    if (fresh) this.token = undefined;
    this.pendingToken ??= this.fetchToken().finally(() => (this.pendingToken = undefined));
    this.token = await this.pendingToken;
    return this.token.value;
  }

  private async fetchToken(): Promise<Token> {
    const answer = (await this.call('oauth2AccessToken', { form: { client_id: this.options.clientId, client_secret: this.options.clientSecret } })) as { access_token: string; expires_in: number };
    const lifeMs = answer.expires_in * 1000;
    return { value: answer.access_token, renewAt: Date.now() + lifeMs - Math.min(60_000, lifeMs / 10) };
  }

  protected async call(operationId: OperationId, input: CallInput, options: CallOptions = {}): Promise<any> {
    const spec: OperationSpec = OPERATIONS[operationId];
    const url = this.url(spec, input.query);
    const timeoutMs = options.timeoutMs ?? this.timeoutFor(input.query);
    let renewed = false;
    let rateWaits = 0;
    for (;;) {
      const res = await this.send(operationId, spec, url, input, options, timeoutMs);
      if (res.status === 401 && !spec.bare && !renewed) {
        renewed = true;
        await res.body?.cancel();
        await this.accessToken(true);
        continue;
      }
      if (res.status === 429 && rateWaits < (this.options.rateLimitRetries ?? 3)) {
        rateWaits++;
        await res.body?.cancel();
        await sleep(retryDelay(res.headers.get('x-ratelimit-retryafter')), options.signal);
        continue;
      }
      if ((spec.produces || spec.raw) && res.ok) return res;
      const text = await res.text();
      const body = jsonBody(text);
      if (!res.ok || body === undefined) {
        const errors = Array.isArray(body?.errors) && body.errors.length ? body.errors : [{ code: res.status, message: body === undefined ? `${operationId} answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}` : `${operationId} answered HTTP ${res.status}` }];
        throw new RiposteApiError(operationId, res.status, body?.meta?.trace_id ?? res.headers.get('x-cs-traceid') ?? undefined, errors, body);
      }
      return body;
    }
  }

  private async send(operationId: string, spec: OperationSpec, url: string, input: CallInput, options: CallOptions, timeoutMs: number): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
    if (!spec.bare && spec.scope !== null) headers.authorization = `Bearer ${await this.accessToken()}`;
    const { body, contentType } = requestBody(input);
    if (contentType) headers['content-type'] = contentType;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      return await this.fetchFn(url, { method: spec.method, headers, body, signal });
    } catch (err) {
      if (timeout.aborted) throw new RiposteTimeoutError(operationId, timeoutMs);
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      throw new RiposteConnectionError(this.server, err);
    }
  }

  private url(spec: OperationSpec, query: Record<string, unknown> | undefined): string {
    return this.server + spec.path + queryString(query);
  }

  private timeoutFor(query: Record<string, unknown> | undefined): number {
    const base = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const serverWait = typeof query?.timeout === 'number' ? query.timeout * 1000 + SERVER_WAIT_MARGIN_MS : 0;
    return Math.max(base, serverWait);
  }
}

/** X-Ratelimit-Retryafter is the epoch second when calls are allowed again (a small number: seconds to wait). */
export function retryDelay(header: string | null, now = Date.now()): number {
  const n = Number(header);
  if (!header || !Number.isFinite(n)) return 1000;
  const ms = n > 1e9 ? n * 1000 - now : n * 1000;
  return Math.min(MAX_RATE_WAIT_MS, Math.max(100, ms));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
