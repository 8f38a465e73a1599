// One slice of the soak bench's simulated fleet, in its own process (bench/soak.ts). Counts how
// many times each command id starts executing on its hosts — the agents' own record, which the
// bench checks the server's figures against — and drops and reconnects hosts when told.
// Usage: node --import tsx bench/lib/soak-fleet.ts SERVER_URL STATE_DIR FIRST END
import fs from 'node:fs';
import { startFleet, type SimulatedAgent } from '@riposte/agent';
import { serveRpc } from './rpc.ts';

const [serverUrl, stateDir, first, end] = process.argv.slice(2);
if (!end) throw new Error('usage: soak-fleet.ts SERVER_URL STATE_DIR FIRST END');
const slice = { first: Number(first), end: Number(end) };

/** Executions per command id, as the hosts' executors saw them. */
const executions = new Map<string, number>();
let errors = 0;
const fleet = await startFleet({
  serverUrl,
  stateDir,
  count: slice.end,
  slice,
  platform: 'mixed',
  enroll: false,
  onExecute: (id) => executions.set(id, (executions.get(id) ?? 0) + 1),
  // The agents' own errors are counted, not printed: 10,000 hosts reconnecting would flood the bench.
  log: (level) => void (level === 'error' && errors++),
});

/** Hosts dropped by `churn` and not yet back. */
const down = new Set<SimulatedAgent>();

serveRpc({
  connected: () => fleet.connected,

  async waitConnected({ timeoutMs = 600_000 }: { timeoutMs?: number }) {
    await fleet.waitConnected(fleet.agents.length, timeoutMs);
    return fleet.connected;
  },

  /**
   * Drop `fraction` of the connected hosts at random, as a network cut would (the socket is torn
   * down, commands running carry on), and bring each back after a random pause in [minMs, maxMs].
   */
  churn({ fraction, minMs, maxMs }: { fraction: number; minMs: number; maxMs: number }) {
    const candidates = fleet.agents.filter((a) => a.connected && !down.has(a));
    const n = Math.round(candidates.length * fraction);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(Math.random() * (candidates.length - i));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
      const agent = candidates[i];
      down.add(agent);
      agent.client.stop();
      setTimeout(() => {
        down.delete(agent);
        agent.client.start();
      }, minMs + Math.random() * (maxMs - minMs));
    }
    return n;
  },

  /** How many hosts are down on purpose right now (dropped by churn, not yet back). */
  down: () => down.size,

  /** Write "id count" lines of every command executed to `file`; answers a summary. */
  executions({ file }: { file: string }) {
    const lines: string[] = [];
    let runs = 0;
    for (const [id, n] of executions) {
      lines.push(`${id} ${n}`);
      runs += n;
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return { ids: executions.size, runs, agentErrors: errors };
  },

  async stop() {
    await fleet.stop();
    return true;
  },
});
console.log(`SOAK-FLEET ${fleet.agents.length} agents`);
