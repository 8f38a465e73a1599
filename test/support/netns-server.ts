/**
 * A test server run as a child process inside a network namespace (see containment-netns.test.ts).
 * The test cannot reach the namespace's network, so it drives the server through the IPC
 * channel: {id, method, path, json} → {id, status, body}. A second TCP listener on `SECOND_PORT`
 * answers "second" to show what a contained host can still reach.
 */
import net from 'node:net';
import { startTestServer } from './server.ts';

const host = process.env.BIND_ADDRESS!;
// A test network of its own, inside namespaces this test made: plaintext is what the test wants.
const t = await startTestServer({ host, allowPlaintext: true });
const token = await t.token();
const second = net.createServer((s) => {
  s.on('error', () => {}); // the probe hangs up at once
  s.end('second\n');
});
await new Promise<void>((r) => second.listen(Number(process.env.SECOND_PORT), host, r));

process.on('message', (m: { id: number; method: string; path: string; json?: unknown; close?: boolean }) => {
  if (m.close) {
    second.close();
    void t.close().then(() => process.exit(0));
    return;
  }
  t.api(m.method, m.path, { token, json: m.json }).then(
    (res) => process.send!({ id: m.id, status: res.status, body: res.body }),
    (err) => process.send!({ id: m.id, status: 0, body: String(err) }),
  );
});
process.send!({ ready: true, url: t.url, enrollToken: t.enrollToken });
