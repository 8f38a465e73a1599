import { SimulatedDomain } from '@riposte/agent';

export interface DomainCommandOptions {
  server: string;
  enrollToken?: string;
  stateDir: string;
  identityDomain?: string;
  users: string;
  authRate: string;
  sprayEvery: string;
  seed: string;
}

function count(s: string, name: string, min: number, max: number): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, not ${s}`);
  return n;
}

/** `agent simulate --identity-domain NAME`: one simulated domain controller, an identity sensor of its domain. */
export async function runDomain(opts: DomainCommandOptions): Promise<void> {
  const domain = opts.identityDomain!;
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(domain) || domain.length > 253) throw new Error(`--identity-domain must be a DNS name such as corp.example, not ${domain}`);
  const dc = await SimulatedDomain.start({
    serverUrl: opts.server,
    enrollToken: opts.enrollToken,
    domain,
    users: count(opts.users, '--users', 1, 1_000_000),
    eventsPerSecond: count(opts.authRate, '--auth-rate', 0, 100_000),
    sprayEvery: count(opts.sprayEvery, '--spray-every', 0, Number.MAX_SAFE_INTEGER),
    seed: opts.seed,
    stateDir: opts.stateDir,
  });
  dc.client.once('connected', () => process.stdout.write(`READY domain ${dc.directory.domain}: ${dc.directory.users.length} users, ${dc.directory.endpoints.length} endpoints; DC ${dc.deviceId}\n`));
  const stop = () => {
    dc.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
