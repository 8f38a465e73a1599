import { RiposteApiError, RiposteConnectionError } from '@riposte/client';

/** One line (or a short list, for an ambiguous host) for any error: never a stack trace. */
export function errorLine(err: unknown): string {
  if (err instanceof RiposteApiError) {
    if ((err.status === 401 || err.status === 403) && err.operationId === 'oauth2AccessToken') return `the server refused the saved credentials (wrong client id or secret?); run riposte login again`;
    if (err.status === 403 && /scope|access denied/i.test(err.message)) return `${err.message} (your API client lacks the scope for ${err.operationId})`;
    return err.message;
  }
  if (err instanceof RiposteConnectionError) return `${err.message} (is the server running? riposte login --server URL points at another)`;
  return err instanceof Error ? err.message : String(err);
}
