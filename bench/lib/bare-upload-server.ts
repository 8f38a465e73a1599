// Baseline for `get`: a bare node:http server writing each request body to a file in DIR.
// Usage: bare-upload-server.ts DIR; prints `READY http://…`.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2];
let n = 0;
const server = http.createServer(async (req, res) => {
  const file = path.join(dir, `upload-${n++}`);
  try {
    await pipeline(req, fs.createWriteStream(file));
    const { size } = fs.statSync(file);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: size }));
    res.once('finish', () => fs.rmSync(file, { force: true }));
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});
server.listen(0, '127.0.0.1', () => console.log(`READY http://127.0.0.1:${(server.address() as { port: number }).port}`));
