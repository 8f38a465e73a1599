import { GeneratedOperations, OPERATIONS, type OperationId } from '../../client/src/generated.ts';
import type { CallOptions } from '../../client/src/types.ts';
import { jsonBody, RiposteApiError } from '../../client/src/errors.ts';
import { queryString, requestBody, type CallInput } from '../../client/src/request.ts';

export { RiposteApiError };

export interface Me {
  name: string;
  role: string;
  scopes: string[];
  csrf_token: string;
  must_change_password: boolean;
}

let csrfToken = '';
/** Signed out on purpose: a late 401 (a terminal closing its session) is not news. */
let signedOut = false;
/** Called when the server says the session is gone (idle expiry, signed out elsewhere). */
let onSignedOut: () => void = () => {};
export function whenSignedOut(fn: () => void) {
  onSignedOut = fn;
}

/**
 * The typed operations of packages/client, sent with the browser's session cookie instead of a
 * bearer token; every state-changing call carries the session's CSRF token.
 */
class ConsoleApi extends GeneratedOperations {
  protected async call(operationId: OperationId, input: CallInput, options: CallOptions = {}): Promise<any> {
    const spec = OPERATIONS[operationId];
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.method !== 'GET') headers['x-csrf-token'] = csrfToken;
    const { body, contentType } = requestBody(input);
    if (contentType) headers['content-type'] = contentType;
    // A search box left empty is no parameter at all.
    const res = await fetch(spec.path + queryString(input.query, (v) => v === undefined || v === ''), {
      method: spec.method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
    return answer(operationId, res);
  }
}

async function answer(operationId: string, res: Response): Promise<any> {
  const body = jsonBody(await res.text());
  if (res.status === 401 && !signedOut) onSignedOut();
  if (!res.ok || body === undefined) throw new RiposteApiError(operationId, res.status, body?.meta?.trace_id, body?.errors?.length ? body.errors : [{ code: res.status, message: `HTTP ${res.status}` }], body);
  return body;
}

export const api = new ConsoleApi();

/** The URL of a GET operation, for the browser to fetch itself (a download link sends the cookie). */
export function operationUrl(operationId: OperationId, query: Record<string, string>): string {
  return `${OPERATIONS[operationId].path}?${new URLSearchParams(query)}`;
}

/** Let the browser save a URL or a Blob as a file, as a link with `download` would. */
export function saveAs(name: string, what: string | Blob): void {
  const a = document.createElement('a');
  a.href = typeof what === 'string' ? what : URL.createObjectURL(what);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof what !== 'string') setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export async function signIn(name: string, password: string): Promise<Me> {
  const res = await fetch('/console/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }), credentials: 'same-origin' });
  const text = await res.text();
  const body = text ? JSON.parse(text) : {};
  if (!res.ok) throw new RiposteApiError('ConsoleSignIn', res.status, undefined, body.errors ?? [{ code: res.status, message: `HTTP ${res.status}` }], body);
  return whoAmI() as Promise<Me>;
}

/** The signed-in user, or undefined. */
export async function whoAmI(): Promise<Me | undefined> {
  const res = await fetch('/console/api/session', { credentials: 'same-origin' });
  if (res.status === 401) return undefined;
  const me = (await res.json()) as Me;
  csrfToken = me.csrf_token;
  signedOut = false;
  return me;
}

export async function signOut(): Promise<void> {
  signedOut = true;
  await fetch('/console/api/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken }, credentials: 'same-origin' });
  csrfToken = '';
}

/** One of the console's own endpoints (outside the Falcon registry's client): JSON in and out, CSRF on writes. */
export async function consoleCall(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  return res.status === 204 ? {} : answer(`${method} ${path}`, res);
}

export async function changePassword(current_password: string, new_password: string): Promise<void> {
  const res = await fetch('/console/api/password', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ current_password, new_password }),
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new RiposteApiError('ConsoleChangePassword', res.status, undefined, body.errors ?? [{ code: res.status, message: `HTTP ${res.status}` }], body);
  }
}
