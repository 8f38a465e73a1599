import type { AgentConnection } from './agent-connection.ts';

/** Each period is spread over this many ticks. */
const SLICES = 30;

/** Which tick of the period pings this host: a few characters of its (random) id, so a reconnecting agent keeps its place. */
function sliceOf(deviceId: string): number {
  let h = 0;
  for (let i = Math.max(0, deviceId.length - 4); i < deviceId.length; i++) h = h * 31 + deviceId.charCodeAt(i);
  return h % SLICES;
}

/**
 * The heartbeat: each connection is pinged once a period (one that did not answer the previous
 * ping is cut off), and the hosts whose connections are alive are reported as seen. The period is
 * spread over SLICES ticks, each pinging the hosts of its slice: pinging 10,000 agents and writing
 * their presence in one go stalled the server for half a second every period. Answers a stop.
 */
export function startHeartbeat(connections: ReadonlyMap<string, AgentConnection>, periodMs: number, seen: (ids: string[]) => void): () => void {
  let tick = 0;
  const timer = setInterval(() => {
    const slice = tick++ % SLICES;
    const alive: string[] = [];
    for (const [id, conn] of connections) if (sliceOf(id) === slice && conn.ping()) alive.push(id);
    if (alive.length) seen(alive);
  }, periodMs / SLICES);
  timer.unref();
  return () => clearInterval(timer);
}
