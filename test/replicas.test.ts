import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../packages/core/src/testing/db.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startTestAgent, type TestAgent } from './support/agent.ts';
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

  it('cancels on one replica a command sent by the other', async () => {
    const c = await r2.server.core.commands.issue({ device_id: a1.deviceId, name: 'run', args: { executable: 'sleep', args: ['20'] }, cwd: a1.workDir, issued_by: 'test', timeout_ms: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await r2.server.core.commands.cancel(c.id);
    expect(cancelled.status).toBe('cancelled');
  });
});
