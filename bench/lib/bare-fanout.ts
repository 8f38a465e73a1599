// The fan-out baseline of the agent bench, as a reusable piece: one message to each of `count`
// bare ws clients (bare-ws-clients.ts, spread over `processes` processes like the simulators)
// from a bare ws server (bare-ws-fanout-server.ts), timed until every client has echoed it.
import path from 'node:path';
import type { RpcChild, startRpcChild } from './rpc.ts';

type StartChild = (...a: Parameters<typeof startRpcChild>) => Promise<RpcChild>;

export class BareFanout {
  private constructor(
    private readonly server: RpcChild,
    private readonly clients: RpcChild[],
  ) {}

  static async start(count: number, processes: number, child: StartChild): Promise<BareFanout> {
    const server = await child([path.join(import.meta.dirname, 'bare-ws-fanout-server.ts')], /READY (ws:\/\/\S+)/);
    const clients: RpcChild[] = [];
    const per = Math.ceil(count / Math.max(1, processes));
    for (let left = count; left > 0; left -= per) {
      clients.push(await child([path.join(import.meta.dirname, 'bare-ws-clients.ts'), server.match[1], String(Math.min(per, left))], /READY \d+/));
    }
    await server.call('waitClients', { count });
    return new BareFanout(server, clients);
  }

  /** The server's and the clients' process ids (CPU accounting). */
  get pids(): { server: number; clients: number[] } {
    return { server: this.server.pid, clients: this.clients.map((c) => c.pid) };
  }

  /** One fan-out: milliseconds until every client has echoed. */
  async run(): Promise<number> {
    return (await this.server.call<{ ms: number }>('fanout')).ms;
  }

  async stop(stop: (c: RpcChild) => Promise<void>): Promise<void> {
    for (const c of this.clients) await stop(c);
    await stop(this.server);
  }
}
