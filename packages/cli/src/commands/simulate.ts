// `riposte agent simulate`: a fleet of simulated agents (see packages/agent/src/sim/fleet.ts).
//
// A subcommand of `agent`, sharing its options: `--server`, `--enroll-token` and `--state` are the
// agent command's own (commander reads parent options anywhere on the line), so
// `riposte agent simulate --server URL --enroll-token T --count N` works as it reads. The state
// directory defaults to ./sim-state rather than the real agent's ./agent-state.
//
// One process holds at most ~20,000 open files, one per connected agent, so `--processes P`
// spreads the fleet over P worker processes (each this same command with a hidden `--slice`).
// The parent enrolls every missing host first, so identities.json has a single writer, then
// starts the workers and adds up their progress and READY lines (simulate-run.ts, loaded when the
// command runs: the agent package is not needed to declare it).

import { Option, type Command } from 'commander';
import { DEFAULT_FLEET_CONCURRENCY, DEFAULT_FLEET_SEED, FLEET_PLATFORMS, type FleetPlatform } from '@riposte/agent/fleet-options';

export interface SimulateOptions {
  count: string;
  identityDomain?: string;
  users: string;
  authRate: string;
  sprayEvery: string;
  platform: FleetPlatform;
  processes: string;
  seed: string;
  concurrency: string;
  slice?: string;
}

export function registerSimulateCommand(program: Command): void {
  const agent = program.commands.find((c) => c.name() === 'agent');
  if (!agent) throw new Error('register the agent command before agent simulate');
  agent
    .command('simulate')
    .description(
      'run N simulated agents against a server: each a real WebSocket client with its own enrolled identity and a ' +
        'deterministic virtual host (tagged SimulatedHost); identities are kept in STATE/identities.json (STATE defaults to ' +
        './sim-state here) so re-runs reuse the same hosts; prints progress, then "READY <n> agents connected"',
    )
    .option('--count <n>', 'number of simulated hosts', '100')
    .addOption(new Option('--platform <platform>', 'platform of the hosts (mixed: Windows, Linux, Mac in turn)').choices(FLEET_PLATFORMS).default('mixed'))
    .option('--processes <p>', 'spread the fleet over this many worker processes (one process holds ~20,000 connections at most)', '1')
    .option('--seed <seed>', 'the same seed, platform and index give the same host', DEFAULT_FLEET_SEED)
    .option('--concurrency <n>', 'enrollments / first connections in flight at once', String(DEFAULT_FLEET_CONCURRENCY))
    .option('--identity-domain <name>', 'instead of a fleet, run a simulated Active Directory domain (its DC an identity sensor), e.g. corp.example')
    .option('--users <n>', 'users of the simulated domain', '1000')
    .option('--auth-rate <n>', 'authentications per second in the simulated domain', '20')
    .option('--spray-every <n>', 'a password-spraying burst every this many authentications (0: never)', '5000')
    .addOption(new Option('--slice <first:end>', 'run hosts [first, end) only (worker processes)').hideHelp())
    .configureHelp({ showGlobalOptions: true })
    .action(async (_opts: SimulateOptions, cmd: Command) => {
      const { runSimulate } = await import('./simulate-run.ts');
      await runSimulate(cmd);
    });
}
