import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../packages/core/src/testing/db.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, waitFor, type TestAgent } from './support/agent.ts';
import { allowAllResponseCommands } from './support/policies.ts';

/**
 * Scale-out: two server processes' worth of replicas on one PostgreSQL database, agents split
 * between them. Any replica accepts a command for any host; LISTEN/NOTIFY carries it to the
 * replica holding the agent and carries the result back.
 */
describe.skipIf(testDialect() !== 'postgres')('two replicas on one PostgreSQL database', () => {
  let r1: TestServer;
  let r2: TestServer;
  let a1: TestAgent;
  let a2: TestAgent;
  beforeAll(async () => {
    r1 = await startTestServer();
    r2 = await startTestServer({ replicaOf: r1 });
    await allowAllResponseCommands(r1.server.core); // the `run` below is a high-risk command
    a1 = await startTestAgent(r1);
    a2 = await startTestAgent(r2);
  });
  afterAll(async () => {
    a1?.stop();
    a2?.stop();
    await r2?.close();
    await r1?.close();
  });

  it('holds each agent on its own replica', () => {
    expect(r1.server.app.gateway!.connections.has(a1.deviceId)).toBe(true);
    expect(r2.server.app.gateway!.connections.has(a2.deviceId)).toBe(true);
    expect(r1.server.app.gateway!.connections.has(a2.deviceId)).toBe(false);
  });

  it('runs a command issued on one replica on an agent held by the other, and back', async () => {
    for (const [issuer, agent] of [[r2, a1], [r1, a2]] as const) {
      const c = await issuer.server.core.commands.issue({ device_id: agent.deviceId, name: 'mkdir', args: { path: 'cross-replica' }, cwd: agent.workDir, issued_by: 'test' });
      const done = await issuer.server.core.commands.wait(c.id, 15_000);
      expect(done.status).toBe('complete');
      expect(fs.existsSync(path.join(agent.workDir, 'cross-replica'))).toBe(true);
    }
  });

  it('fans out across both replicas', async () => {
    const res = await r1.server.core.commands.issueMany(
      [a1, a2].map((a) => ({ device_id: a.deviceId, name: 'pwd', args: {}, cwd: a.workDir, issued_by: 'test' })),
      'fanout-replicas',
    );
    const done = await r2.server.core.commands.waitAll(res.commands.map((c) => c.id), 15_000);
    expect(done.map((c) => c.status)).toEqual(['complete', 'complete']);
  });

  it('cancels on one replica a command sent by the other, and the agent never completes it', async () => {
    // The command's only effect comes 5 s after it starts: if the cancel does not reach the agent
    // (through r1, which holds it), the marker file appears.
    const marker = path.join(a1.workDir, 'cancel-marker');
    const results = new Set<string>();
    const onResult = (id: string) => results.add(id);
    a1.client.on('result', onResult);
    try {
      const c = await r2.server.core.commands.issue({
        device_id: a1.deviceId,
        name: 'run',
        args: { executable: 'sh', args: ['-c', `sleep 5 && echo ran > '${marker}'`] },
        cwd: a1.workDir,
        issued_by: 'test',
        timeout_ms: 30_000,
      });
      // The agent's own journal says it started the command: it is running on the agent.
      await waitFor(() => journalOf(a1, c.id).some((l) => l.s === 'started'), 10_000, 'the agent to start the command');
      const startedAt = Date.now();
      const cancelled = await r2.server.core.commands.cancel(c.id);
      expect(cancelled.status).toBe('cancelled');

      // The agent aborted it and reported so, well before the command would have written its marker.
      await waitFor(() => results.has(c.id), 10_000, "the agent's result for the cancelled command");
      const own = journalOf(a1, c.id).find((l) => l.s === 'result');
      expect(own?.r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/cancelled/) } });
      await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 6_000 - Date.now())));
      expect(fs.existsSync(marker)).toBe(false);
      // The late result changed nothing: the command stays cancelled on both replicas.
      expect((await r1.server.core.commands.get(c.id))?.status).toBe('cancelled');
    } finally {
      a1.client.off('result', onResult);
    }
  });
});

/** The agent's own execution record for one command: the lines of its journal naming it. */
function journalOf(agent: TestAgent, id: string): { id: string; s: string; r?: unknown }[] {
  const file = path.join(agent.stateDir, 'journal.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes(id))
    .map((line) => JSON.parse(line));
}
