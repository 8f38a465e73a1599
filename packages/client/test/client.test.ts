import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { operations } from '@riposte/spec';
import { clientOperations, GENERATED_FILE, methodName, renderClient } from '../scripts/generate.ts';
import { RiposteApiError, RiposteClient, RiposteConnectionError, retryDelay } from '../src/index.ts';

describe('generated client', () => {
  it('src/generated.ts is what the registry generates (regenerate with node --import tsx packages/client/scripts/generate.ts)', () => {
    expect(fs.readFileSync(GENERATED_FILE, 'utf8')).toBe(renderClient());
  });

  it("has a camelCase method for every Falcon and internal operation (but the console's own endpoints)", () => {
    const client = new RiposteClient({ server: 'http://127.0.0.1:1', clientId: 'x', clientSecret: 'y' }) as unknown as Record<string, unknown>;
    const ops = clientOperations();
    expect(ops).toEqual(operations.filter((op) => (op.dialect === 'falcon' || op.dialect === 'internal') && op.collection !== 'Console'));
    expect(ops.length).toBeGreaterThan(50);
    for (const op of ops) expect(typeof client[methodName(op.operationId)], op.operationId).toBe('function');
    expect(methodName('RTR_ExecuteCommand')).toBe('rtrExecuteCommand');
    expect(methodName('GetOnlineState_V1')).toBe('getOnlineStateV1');
    expect(methodName('entities_perform_action')).toBe('entitiesPerformAction');
    expect(methodName('RTRAuditSessions')).toBe('rtrAuditSessions');
    expect(methodName('QueryDevicesByFilter')).toBe('queryDevicesByFilter');
  });
});

/** A scripted server in place of fetch: each call answers the next response of the script. */
function scripted(answers: ((url: string, init: RequestInit) => Response)[]) {
  const calls: { url: string; auth?: string }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, auth: (init.headers as Record<string, string>).authorization });
    const next = answers.shift();
    if (!next) throw new Error('unexpected call');
    return next(url, init);
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const token = (value: string, expires_in = 1800) => json(201, { access_token: value, token_type: 'bearer', expires_in });
const ok = json(200, { meta: { trace_id: 't' }, resources: ['a'], errors: [] });

describe('RiposteClient transport', () => {
  it('caches the token, and retries a 401 once with a fresh one', async () => {
    const s = scripted([token('one'), ok, ok, json(401, { meta: {}, errors: [{ code: 401, message: 'access denied, invalid bearer token' }] }), token('two'), ok]);
    const c = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: s.fetchFn });
    await c.queryDevicesByFilter();
    await c.queryDevicesByFilter();
    expect((await c.queryDevicesByFilter()).resources).toEqual(['a']);
    expect(s.calls.map((x) => x.auth)).toEqual([undefined, 'Bearer one', 'Bearer one', 'Bearer one', undefined, 'Bearer two']);
  });

  it('renews a token before it expires', async () => {
    const s = scripted([token('short', 0), ok, token('next'), ok]);
    const c = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: s.fetchFn });
    await c.queryDevicesByFilter();
    await c.queryDevicesByFilter();
    expect(s.calls.map((x) => x.auth)).toEqual([undefined, 'Bearer short', undefined, 'Bearer next']);
  });

  it('a second 401 is an error with status, trace id and the envelope errors', async () => {
    const denied = json(401, { meta: { trace_id: 'trace-1' }, errors: [{ code: 401, message: 'access denied' }] });
    const s = scripted([token('a'), denied, token('b'), denied]);
    const c = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: s.fetchFn });
    const err = await c.queryDevicesByFilter().catch((e) => e);
    expect(err).toBeInstanceOf(RiposteApiError);
    expect(err).toMatchObject({ status: 401, traceId: 'trace-1', errors: [{ code: 401, message: 'access denied' }], message: 'access denied' });
  });

  it('waits out a 429 until X-Ratelimit-Retryafter', async () => {
    const retryAt = Math.floor(Date.now() / 1000) + 1;
    const s = scripted([token('a'), json(429, { errors: [{ code: 429, message: 'rate' }] }, { 'x-ratelimit-retryafter': String(retryAt) }), ok]);
    const c = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: s.fetchFn });
    const t0 = Date.now();
    await c.queryDevicesByFilter();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(retryAt * 1000 - t0 - 50);
    expect(s.calls).toHaveLength(3);
    expect(retryDelay(String(retryAt + 5), retryAt * 1000)).toBe(5000);
    expect(retryDelay('2')).toBe(2000);
  });

  it('sends array query parameters as repeated keys, and a JSON body', async () => {
    let seen: { url: string; body?: unknown } = { url: '' };
    const s = scripted([token('a'), (url, init) => ((seen = { url, body: init.body }), ok())]);
    const c = new RiposteClient({ server: 'http://x/', clientId: 'i', clientSecret: 's', fetch: s.fetchFn });
    await c.getDeviceDetailsV2({ query: { ids: ['a', 'b'] } });
    expect(seen.url).toBe('http://x/devices/entities/devices/v2?ids=a&ids=b');
  });

  it('a server that is down is a connection error naming it; a timeout aborts the call', async () => {
    const port = await closedPort();
    const down = new RiposteClient({ server: `http://127.0.0.1:${port}`, clientId: 'i', clientSecret: 's' });
    await expect(down.queryDevicesByFilter()).rejects.toBeInstanceOf(RiposteConnectionError);
    await expect(down.queryDevicesByFilter()).rejects.toThrow(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
    const hang = (async (_url: string, init: RequestInit) => new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const slow = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: hang, timeoutMs: 100 });
    await expect(slow.queryDevicesByFilter()).rejects.toThrow(/no answer within/);
  });
});

/** A loopback port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
