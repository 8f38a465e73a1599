// Baseline for the agent round trip: a bare node:http route answering a small JSON body and a
// bare `ws` echo on the same port, in their own process. Prints `READY http://…`.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const body = JSON.stringify({ ok: true, data: { cwd: '/tmp' }, cwd: '/tmp' });
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`READY http://127.0.0.1:${port}`);
});
