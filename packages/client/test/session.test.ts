import { describe, expect, it } from 'vitest';
import { CommandCancelledError, RiposteClient, RtrSession } from '../src/index.ts';

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const resources = (...r: unknown[]) => ({ meta: { trace_id: 't' }, resources: r, errors: [] });

/**
 * A server in place of fetch that answers by route; the command's issue waits until `release`.
 * As with fetch, an aborted signal sends nothing, and one aborted while the request is out
 * rejects the call (the server has it all the same).
 */
function fakeServer() {
  let release!: () => void;
  const issueHeld = new Promise<void>((r) => (release = r));
  const calls: string[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    init.signal?.throwIfAborted();
    const { pathname, search } = new URL(url);
    calls.push(`${init.method} ${pathname}${search}`);
    if (pathname === '/oauth2/token') return answer(201, { access_token: 'tok', token_type: 'bearer', expires_in: 1800 });
    if (pathname === '/real-time-response/entities/sessions/v1') return answer(201, resources({ session_id: 's1', platform: 'linux', pwd: '/', offline_queued: false }));
    if (pathname === '/real-time-response/entities/admin-command/v1' && init.method === 'POST') {
      await new Promise((resolve, reject) => {
        void issueHeld.then(resolve);
        init.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
      });
      return answer(201, resources({ session_id: 's1', cloud_request_id: 'c1' }));
    }
    if (pathname === '/real-time-response/entities/command/v1' && init.method === 'DELETE') return answer(200, resources({ cloud_request_id: 'c1' }));
    throw new Error(`unexpected call ${init.method} ${url}`);
  }) as unknown as typeof fetch;
  return { calls, fetchFn, release };
}

describe('RtrSession.run and its signal', () => {
  it('a Ctrl-C while the command is being issued lets the issue finish, then cancels the command by its id', async () => {
    const server = fakeServer();
    const client = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: server.fetchFn });
    const session = await RtrSession.open(client, 'd'.repeat(32), { tier: 'admin' });
    const ctrlC = new AbortController();
    const running = session.run('run /bin/sleep -CommandLine=60', { signal: ctrlC.signal });
    await new Promise((r) => setTimeout(r, 20));
    ctrlC.abort();
    // Abandoned here, the issue could still have started the command on the host, with no id to stop it by.
    server.release();
    await expect(running).rejects.toBeInstanceOf(CommandCancelledError);
    expect(server.calls.filter((c) => !c.includes('/oauth2/'))).toEqual([
      'POST /real-time-response/entities/sessions/v1',
      'POST /real-time-response/entities/admin-command/v1',
      'DELETE /real-time-response/entities/command/v1?session_id=s1&cloud_request_id=c1',
    ]);
  });

  it('a signal aborted before the run issues nothing', async () => {
    const server = fakeServer();
    const client = new RiposteClient({ server: 'http://x', clientId: 'i', clientSecret: 's', fetch: server.fetchFn });
    const session = await RtrSession.open(client, 'd'.repeat(32), { tier: 'admin' });
    await expect(session.run('ls', { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(server.calls.filter((c) => c.includes('command'))).toEqual([]);
  });
});
