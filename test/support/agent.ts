import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAgent, type RunningAgent } from '../../packages/agent/src/run-agent.ts';
import type { TestServer } from './server.ts';

export interface TestAgent extends RunningAgent {
  stateDir: string;
  workDir: string;
}

/** A real agent (real OS commands) enrolled with the test server, connected over loopback. */
export async function startTestAgent(t: TestServer, stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-agent-'))): Promise<TestAgent> {
  const agent = await runAgent({ serverUrl: t.url, enrollToken: t.enrollToken, stateDir });
  // Enrolling reads the host's inventory (a few processes); on a busy machine that takes a while.
  await waitFor(async () => (await t.server.core.hosts.get(agent.deviceId))?.online === true, 45_000, 'agent online');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-work-'));
  return { ...agent, stateDir, workDir };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
