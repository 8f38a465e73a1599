/**
 * How an operation's input becomes a request, the same for the Node client and the browser
 * console (so nothing here may need Node).
 */

/** An operation's input as the generated methods pass it. */
export interface CallInput {
  query?: Record<string, unknown>;
  body?: unknown;
  form?: Record<string, unknown>;
  files?: Record<string, Blob | undefined>;
}

/** `?a=1&b=x&b=y` (arrays as repeated keys), or '' when nothing is left; `omit` picks the values left out. */
export function queryString(query: Record<string, unknown> | undefined, omit: (v: unknown) => boolean = (v) => v === undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (omit(v)) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/**
 * The body and its content type: multipart when a file is given (fetch sets the boundary), a
 * URL-encoded form for form fields alone, JSON for a body, nothing otherwise.
 */
export function requestBody(input: CallInput): { body?: BodyInit; contentType?: string } {
  const fields = (form: Record<string, unknown>) => Object.entries(form).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((item): [string, string] => [k, String(item)]));
  if (input.files && Object.values(input.files).some(Boolean)) {
    const form = new FormData();
    for (const [k, v] of fields(input.form ?? {})) form.append(k, v);
    for (const [k, blob] of Object.entries(input.files)) if (blob) form.append(k, blob, (blob as File).name ?? k);
    return { body: form };
  }
  if (input.form) return { body: new URLSearchParams(fields(input.form)) };
  if (input.body !== undefined) return { body: JSON.stringify(input.body), contentType: 'application/json' };
  return {};
}
