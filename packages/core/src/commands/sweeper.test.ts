import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../index.ts';
import { openTestCoreWithHost } from '../testing/core.ts';
import type { CommandRecord } from './index.ts';
import { CommandSweeper, type SweptAgents } from './sweeper.ts';

describe('CommandSweeper', () => {
  let core: Core;
  let host: string;
  const resent: CommandRecord[] = [];
  const revoked: string[] = [];
  let holds = true;
  const agents: SweptAgents = {
    holdsAgents: () => holds,
    resend: async (c) => void resent.push(c),
    revoked: (id) => void revoked.push(id),
  };

  beforeAll(async () => {
    ({ core, host } = await openTestCoreWithHost());
  });
  afterAll(async () => {
    await core?.close();
  });

  it('times out a command whose time ran out, and tells its waiters', async () => {
    const sweeper = new CommandSweeper(core.commands, core.agentRevocations, agents, { onError: (err) => expect.fail(String(err)) });
    const c = await core.commands.issue({ device_id: host, name: 'pwd', timeout_ms: 1, issued_by: 'test' });
    await new Promise((r) => setTimeout(r, 20));
    const waited = core.commands.wait(c.id, 10_000);
    await sweeper.sweep();
    expect(await waited).toMatchObject({ id: c.id, status: 'timed_out', error: { code: 'timeout' } });
  });

  it('gives agents a reconnect grace after start for commands an earlier run had sent, and takes the result they re-send', async () => {
    // The clock is moved by hand: the server is down for minutes in a moment.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const issue = () => core.commands.issue({ device_id: host, name: 'pwd', timeout_ms: 1000, queue_offline: true, queue_ttl_ms: 1000, issued_by: 'test' });
      const answered = await issue();
      const silent = await issue();
      const unsent = await issue();
      await core.commands.markRunning(answered.id, host);
      await core.commands.markRunning(silent.id, host);
      // The server is down well past the commands' lifetimes (3 s each), then starts again.
      vi.setSystemTime(Date.now() + 5 * 60_000);
      const sweeper = new CommandSweeper(core.commands, core.agentRevocations, agents, { reconnectGraceMs: 30_000, onError: (err) => expect.fail(String(err)) });
      const sentSinceStart = await issue();
      await core.commands.markRunning(sentSinceStart.id, host);
      vi.setSystemTime(Date.now() + 5000);

      await sweeper.sweep();
      const status = async (id: string) => (await core.commands.get(id))?.status;
      expect(await status(answered.id)).toBe('running');
      expect(await status(silent.id)).toBe('running');
      // Never sent: expires as it always did. Sent by this run: the grace is not for it.
      expect(await status(unsent.id)).toBe('timed_out');
      expect(await status(sentSinceStart.id)).toBe('timed_out');

      // The agent reconnects within the grace and re-sends the result it journaled while the server was down.
      expect(await core.commands.complete(answered.id, host, { ok: true, data: { path: '/srv' }, cwd: '/srv' })).toBe(true);
      expect(await core.commands.get(answered.id)).toMatchObject({ status: 'complete', result: { path: '/srv' } });

      // Past the grace, a command whose agent never answered times out.
      vi.setSystemTime(Date.now() + 25_000);
      await sweeper.sweep();
      expect(await status(silent.id)).toBe('timed_out');
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes the connection of an agent revoked after it started, only while it holds agents', async () => {
    const sweeper = new CommandSweeper(core.commands, core.agentRevocations, agents, { onError: (err) => expect.fail(String(err)) });
    await core.agentRevocations.revoke(host, { id: 'tester', name: 'tester' });
    holds = false;
    await sweeper.sweep();
    expect(revoked).toEqual([]);
    holds = true;
    await sweeper.sweep();
    expect(revoked).toEqual([host]);
  });

  it('sweeps on its own once started, and stops on close', async () => {
    let sweeps = 0;
    const counting: SweptAgents = { ...agents, holdsAgents: () => (sweeps++, false) };
    const sweeper = new CommandSweeper(core.commands, core.agentRevocations, counting, { intervalMs: 20, onError: (err) => expect.fail(String(err)) });
    sweeper.start();
    await expect.poll(() => sweeps, { timeout: 5000 }).toBeGreaterThan(2);
    await sweeper.close();
    const after = sweeps;
    await new Promise((r) => setTimeout(r, 100));
    expect(sweeps).toBe(after);
    expect(resent).toEqual([]);
  });
});
