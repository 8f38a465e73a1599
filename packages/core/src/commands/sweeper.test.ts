import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
