// Baseline clients for the fan-out: COUNT bare `ws` clients that echo every message back.
// Usage: bare-ws-clients.ts URL COUNT [CONCURRENCY]; prints `READY <n>` once all are open.
import WebSocket from 'ws';

const [url, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg ?? 100);
const sockets: WebSocket[] = [];

const open = () =>
  new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => ws.send(data));
    ws.once('open', () => {
      sockets.push(ws);
      resolve();
    });
    ws.once('error', reject);
  });

let next = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      next++;
      await open();
    }
  }),
);
console.log(`READY ${sockets.length}`);
process.on('SIGTERM', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
