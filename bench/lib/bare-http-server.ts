// Baseline: a bare Fastify route answering a fixed JSON body (read from a file given as argv[2]).
import fs from 'node:fs';
import Fastify from 'fastify';

const body = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const app = Fastify({ logger: false });
app.get('/bare', async () => body);
await app.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? 0) });
const addr = app.server.address() as { port: number };
console.log(`READY http://127.0.0.1:${addr.port}`);
