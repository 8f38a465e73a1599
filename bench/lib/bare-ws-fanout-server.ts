// Baseline for the fan-out: a bare `ws` server that sends one small message to every connected
// client and times until every client has echoed it back. Controlled over stdin (rpc.ts).
import { WebSocketServer, type WebSocket } from 'ws';
import { serveRpc } from './rpc.ts';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, backlog: 4096 });
const clients = new Set<WebSocket>();
let onEcho: (() => void) | undefined;
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('message', () => onEcho?.());
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => {});
});

// About the size of a command message the gateway sends.
const message = JSON.stringify({ t: 'command', command: { id: '00000000-0000-4000-8000-000000000000', name: 'pwd', args: {}, cwd: '/', timeout_ms: 120000 } });

serveRpc({
  async waitClients({ count, timeoutMs = 600_000 }: { count: number; timeoutMs?: number }) {
    const until = Date.now() + timeoutMs;
    while (clients.size < count) {
      if (Date.now() > until) throw new Error(`${clients.size} of ${count} clients after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return clients.size;
  },
  async fanout() {
    const n = clients.size;
    let echoed = 0;
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      onEcho = () => {
        if (++echoed === n) resolve();
      };
    });
    for (const ws of clients) ws.send(message);
    await done;
    onEcho = undefined;
    return { ms: performance.now() - t0, clients: n };
  },
});
wss.on('listening', () => console.log(`READY ws://127.0.0.1:${(wss.address() as { port: number }).port}`));
