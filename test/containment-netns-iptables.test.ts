import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { containmentNetnsSuite, type InHost } from './support/containment-netns.ts';

const CHAINS = [
  ['INPUT', 'RIPOSTE_CONTAIN_IN'],
  ['OUTPUT', 'RIPOSTE_CONTAIN_OUT'],
] as const;

/** Both families' chains as `iptables -S` prints them, or undefined when neither exists. */
function rules(inHost: InHost): string | undefined {
  const out: string[] = [];
  for (const tool of ['iptables', 'ip6tables']) {
    for (const [, chain] of CHAINS) {
      const listed = inHost(tool, '-w', '-S', chain);
      if (listed.status === 0) out.push(listed.stdout);
    }
  }
  // The fallback is what applied them: no nftables table of the agent's exists.
  if (out.length) expect(inHost('nft', 'list', 'table', 'inet', 'riposte_containment').status).not.toBe(0);
  return out.length ? out.join('') : undefined;
}

/**
 * A PATH on which the iptables tools are found and nft is not: a host without nftables. (The
 * agent clears RIPOSTE_* settings from its environment at start, so PATH is how to say it.)
 */
function pathWithoutNft(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-no-nft-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (const tool of ['iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(dir, tool));
  }
  return [dir, ...(process.env.PATH ?? '').split(':').filter((d) => d && !fs.existsSync(path.join(d, 'nft')))].join(':');
}

/**
 * Containment where nftables is unavailable: the agent finds no `nft` and falls back to iptables
 * chains (RIPOSTE_CONTAIN_IN/OUT, jumped to first from INPUT/OUTPUT, IPv4 and IPv6).
 */
containmentNetnsSuite({
  name: 'iptables',
  needs: [
    { command: 'iptables', install: 'iptables' },
    { command: 'ip6tables', install: 'iptables' },
    { command: 'nft', install: 'nftables' },
  ],
  agentEnv: { PATH: pathWithoutNft() },
  rules,
  flush: (inHost) => {
    for (const tool of ['iptables', 'ip6tables']) {
      for (const [hook, chain] of CHAINS) {
        inHost(tool, '-w', '-D', hook, '-j', chain);
        inHost(tool, '-w', '-F', chain);
        inHost(tool, '-w', '-X', chain);
      }
    }
  },
});
