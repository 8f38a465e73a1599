import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Platform } from '../commands/types.ts';
import { SimulatedExecutor } from './simulated-executor.ts';

// Budgets for `riposte agent simulate`, which keeps 10,000+ hosts in one process.

const PLATFORMS: Platform[] = ['windows', 'linux', 'mac'];
const ctx = { transfers: { upload: () => Promise.reject(new Error('unused')), download: () => Promise.reject(new Error('unused')) }, signal: new AbortController().signal };

/** A full GC, exposed at runtime (vitest workers don't start with --expose-gc); undefined if refused. */
function findGc(): (() => void) | undefined {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function heapUsed(gc: (() => void) | undefined): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

describe('simulated host budgets', () => {
  it('10,000 never-used hosts cost well under 2 KB each', () => {
    const gc = findGc();
    // Warm up so code and shared tables aren't counted against the hosts.
    new SimulatedExecutor({ seed: 'warm', platform: 'linux', index: 0 });
    const before = heapUsed(gc);
    const hosts: SimulatedExecutor[] = [];
    for (let i = 0; i < 10_000; i++) hosts.push(new SimulatedExecutor({ seed: `fleet-${i}`, platform: PLATFORMS[i % 3], index: i }));
    const perHost = (heapUsed(gc) - before) / hosts.length;
    console.log(`fresh simulated host: ${perHost.toFixed(0)} bytes of heap (gc ${gc ? 'exposed' : 'unavailable'})`);
    expect(perHost).toBeLessThan(gc ? 2048 : 5120); // without a forced GC the figure is noisier
    expect(hosts).toHaveLength(10_000);
  });

  it('a used host holds tens of KB, and dispose() gives back nearly all of it when nothing changed', async () => {
    const gc = findGc();
    const hosts = Array.from({ length: 600 }, (_, i) => new SimulatedExecutor({ seed: `used-${i}`, platform: PLATFORMS[i % 3], index: i }));
    const before = heapUsed(gc);
    for (const h of hosts) {
      for (const name of ['ls', 'ps'] as const) await h.execute({ id: 'm', name, args: {}, cwd: h.platform === 'windows' ? 'C:\\' : '/', timeout_ms: 1000 }, ctx);
    }
    const used = (heapUsed(gc) - before) / hosts.length;
    for (const h of hosts) h.dispose();
    const disposed = (heapUsed(gc) - before) / hosts.length;
    console.log(`after ls+ps: ${used.toFixed(0)} bytes per host; after dispose(): ${disposed.toFixed(0)}`);
    expect(used).toBeLessThan(64 * 1024);
    expect(disposed).toBeLessThan(used / 4);
  });

  it('ls and ps on a fresh host take well under a millisecond (median)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 600; i++) {
      const h = new SimulatedExecutor({ seed: `speed-${i}`, platform: PLATFORMS[i % 3] });
      const cwd = h.platform === 'windows' ? 'C:\\' : '/';
      const started = performance.now();
      await h.execute({ id: 't', name: 'ls', args: {}, cwd, timeout_ms: 1000 }, ctx);
      await h.execute({ id: 't', name: 'ps', args: {}, cwd, timeout_ms: 1000 }, ctx);
      times.push((performance.now() - started) / 2);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1];
    console.log(`first ls/ps on a fresh host: median ${median.toFixed(3)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(3)} ms`);
    expect(median).toBeLessThan(1);
  });
});
