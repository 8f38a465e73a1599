// Micro-benchmark of the simulator's per-command CPU (not a test): a stand-in gateway (a bare
// `ws` server in a child process, so its CPU is not counted) fans one command out to a fleet of
// simulated agents in this process, acknowledges the results with the next round (as the gateway
// acknowledges with its next frame), and this process's CPU time per command is reported.
// `--bare` runs bare `ws` clients instead, the floor: they echo each command frame back and read
// its ack.
//
//   node --import tsx bench/sim-command-cost.ts [--count 2000] [--rounds 10] [--cmd ls] [--bare]

import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { DEFAULT_FLEET_SEED, FleetIdentities, fleetIdentityKey, fleetPlatformAt, startFleet } from '../packages/agent/src/sim/fleet.ts';

type ToServer = { round: { name: string; args: Record<string, unknown> } };
type FromServer = { port: number } | { done: { ms: number; results: number; bytes: number } };

if (process.argv.includes('--server')) serve();
else await main();

/** The stand-in gateway: hello → welcome, a round sends `command` to every socket; results are acknowledged with the next command. */
function serve(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const cwdOf = new Map<WebSocket, string>();
  const acksOf = new Map<WebSocket, string[]>();
  let round: { expected: number; got: number; bytes: number; t0: number } | undefined;
  let seq = 0;
  wss.on('connection', (ws) => {
    cwdOf.set(ws, '/');
    acksOf.set(ws, []);
    ws.on('close', () => {
      cwdOf.delete(ws);
      acksOf.delete(ws);
    });
    ws.on('message', (data) => {
      const text = String(data);
      const msg = JSON.parse(text);
      if (msg.t === 'hello') {
        if (msg.inventory.platform === 'windows') cwdOf.set(ws, 'C:\\');
        ws.send(JSON.stringify({ t: 'welcome', device_id: 'x', protocol: 1 }));
        return;
      }
      if (msg.t === 'started') return;
      // A result, or (bare clients) the command frame echoed back; both are acknowledged with the
      // next frame sent to that socket, as the gateway does.
      const id = msg.t === 'result' ? msg.id : msg.t === 'command' ? msg.command.id : undefined;
      if (id) acksOf.get(ws)?.push(id);
      if (!round) return;
      round.got++;
      round.bytes += text.length;
      if (round.got === round.expected) {
        process.send!({ done: { ms: performance.now() - round.t0, results: round.got, bytes: round.bytes } } satisfies FromServer);
        round = undefined;
      }
    });
  });
  process.on('message', (m: ToServer) => {
    round = { expected: cwdOf.size, got: 0, bytes: 0, t0: performance.now() };
    for (const [ws, cwd] of cwdOf) {
      const command = { id: `c${String(++seq).padStart(31, '0')}`, name: m.round.name, args: m.round.args, cwd, timeout_ms: 30_000 };
      const ids = acksOf.get(ws)!;
      if (ids.length) ws.send(JSON.stringify({ t: 'result_ack', ids: ids.splice(0) }));
      ws.send(JSON.stringify({ t: 'command', command }));
    }
  });
  wss.on('listening', () => process.send!({ port: (wss.address() as { port: number }).port } satisfies FromServer));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '10' },
      cmd: { type: 'string', default: 'ls' },
      platform: { type: 'string', default: 'mixed' },
      bare: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  const rounds = Number(values.rounds);
  const platform = values.platform as 'mixed';
  const server = fork(new URL(import.meta.url).pathname, ['--server'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => server.once('message', (m: { port: number }) => resolve(m.port)));
  const url = `http://127.0.0.1:${port}`;

  let stop: () => void;
  if (values.bare) {
    const sockets: WebSocket[] = [];
    for (let i = 0; i < count; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
      // Echoes commands, reads acks: the same frames as a simulated agent's command.
      ws.on('message', (data: Buffer) => (JSON.parse(String(data)).t === 'command' ? ws.send(data) : undefined));
      await new Promise((r) => ws.once('open', r));
      sockets.push(ws);
    }
    stop = () => sockets.forEach((s) => s.terminate());
  } else {
    // Made-up identities: the stand-in gateway checks none.
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-simbench-'));
    const ids = new FleetIdentities(stateDir);
    for (let i = 0; i < count; i++) ids.set(fleetIdentityKey(DEFAULT_FLEET_SEED, fleetPlatformAt(platform, i), i), { device_id: String(i).padStart(32, '0'), agent_secret: 's' });
    ids.save();
    const fleet = await startFleet({ serverUrl: url, count, platform, stateDir, enroll: false });
    await fleet.waitConnected(count, 60_000);
    fs.rmSync(stateDir, { recursive: true, force: true });
    stop = () => void fleet.stop();
  }

  const args = values.cmd === 'ls' || values.cmd === 'pwd' ? {} : JSON.parse(values.cmd.slice(values.cmd.indexOf(' ') + 1));
  const name = values.cmd.split(' ')[0];
  const round = () => {
    server.send({ round: { name, args } } satisfies ToServer);
    return new Promise<{ ms: number; results: number; bytes: number }>((resolve) => server.once('message', (m: { done: { ms: number; results: number; bytes: number } }) => resolve(m.done)));
  };
  // Warm-up: the first command builds each host's disk; JIT settles.
  for (let i = 0; i < 3; i++) await round();
  await sleep(300);
  const per: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const cpu0 = process.cpuUsage();
    const done = await round();
    await sleep(100); // the last result_acks arrive after the server's count
    const cpu = process.cpuUsage(cpu0);
    const us = (cpu.user + cpu.system) / done.results;
    per.push(us);
    console.log(`round ${i + 1}: ${done.results} results in ${done.ms.toFixed(0)} ms, ${(done.bytes / done.results).toFixed(0)} B each; ${us.toFixed(1)} µs CPU per command (user ${(cpu.user / done.results).toFixed(1)}, sys ${(cpu.system / done.results).toFixed(1)})`);
  }
  per.sort((a, b) => a - b);
  console.log(`${values.bare ? 'bare ws echo' : `simulated ${name}`}: median ${per[Math.floor(per.length / 2)].toFixed(1)} µs CPU per command (min ${per[0].toFixed(1)}), ${count} agents`);
  stop();
  (server as ChildProcess).kill();
  process.exit(0);
}
