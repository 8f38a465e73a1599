// A simulated fleet: thousands of virtual hosts in one process, each a real agent on the wire (its
// own enrolled identity, its own WebSocket through AgentClient, an at-most-once MemoryJournal)
// whose commands run on a SimulatedExecutor. `riposte agent simulate` drives this; tests and
// benches use it directly.
//
// What keeps 10,000 of them cheap: an idle SimulatedExecutor is its seed (the host is built on the
// first command), no inventory timer, one shared HTTP agent for file transfers, and bounded
// concurrency for enrollment and connection so the server sees a steady stream, not a herd.

import type { AgentIdentity } from '../transport/index.ts';
import { enrollFleet } from './fleet/enroller.ts';
import { FleetIdentities, fleetIdentityKey } from './fleet/identities.ts';
import { DEFAULT_FLEET_SEED, FLEET_PLATFORMS, type FleetOptions, type SimulatedFleet } from './fleet/options.ts';
import { FleetAgent, FleetRuntime, connectFirst } from './fleet/runtime.ts';
import { fleetPlatformAt, indexes, sliceOf } from './fleet/slices.ts';

export * from './fleet/options.ts';
export { FleetIdentities, IDENTITIES_FILE, fleetIdentityKey } from './fleet/identities.ts';
export { enrollFleet } from './fleet/enroller.ts';
export { fleetPlatformAt, splitFleet } from './fleet/slices.ts';

/**
 * Enroll what needs enrolling, then connect every host of the slice, at most `concurrency`
 * first connections in flight. Resolves once every agent's first attempt has settled (most are
 * connected by then; the rest keep retrying with backoff): use `waitConnected()` for all of them.
 */
export async function startFleet(opts: FleetOptions): Promise<SimulatedFleet> {
  const platform = opts.platform ?? 'mixed';
  if (!FLEET_PLATFORMS.includes(platform)) throw new TypeError(`platform must be one of ${FLEET_PLATFORMS.join(', ')}`);
  if (!(Number.isSafeInteger(opts.count) && opts.count >= 0)) throw new TypeError('count must be a non-negative integer');
  const slice = sliceOf(opts);
  const store = new FleetIdentities(opts.stateDir);
  let identities: Map<number, AgentIdentity>;
  if (opts.enroll === false) {
    identities = new Map();
    const seed = opts.seed ?? DEFAULT_FLEET_SEED;
    for (const i of indexes(slice)) {
      const id = store.get(fleetIdentityKey(seed, fleetPlatformAt(platform, i), i));
      if (!id) throw new Error(`simulated host ${i} has no identity${store.file ? ` in ${store.file}` : ''}`);
      identities.set(i, { ...id, server_url: opts.serverUrl });
    }
  } else {
    identities = await enrollFleet(opts, store);
  }

  const fleet = new FleetRuntime(opts, opts.log);
  for (const i of indexes(slice)) fleet.agents.push(new FleetAgent(i, fleetPlatformAt(platform, i), identities.get(i)!, fleet));

  const total = fleet.agents.length;
  opts.onProgress?.({ phase: 'connect', done: 0, total });
  let refused = await connectFirst(fleet, fleet.agents, opts, total);
  if (refused.length > 0) {
    // Identities this server does not know: the state directory came from another server, or
    // the hosts were revoked. Retrying cannot fix that; enrolling them again can, given a token.
    const where = store.file ?? 'memory';
    if (opts.enroll === false || !opts.enrollToken) {
      await fleet.stop();
      const remedy = opts.enroll === false ? 'run once with --processes 1 and --enroll-token to enroll them again' : 'give --enroll-token to enroll them again';
      throw new Error(
        `the server refused ${refused.length} of ${total} simulated hosts' identities from ${where} (enrolled with another server, or revoked): ` +
          `${remedy}, or use a fresh --state directory`,
      );
    }
    opts.log?.('warn', `the server does not know ${refused.length} simulated hosts' identities from ${where}; enrolling them again`);
    const seed = opts.seed ?? DEFAULT_FLEET_SEED;
    for (const agent of refused) {
      agent.stopped = true;
      agent.client.stop();
      store.delete(fleetIdentityKey(seed, agent.platform, agent.index));
    }
    const renewed = await enrollFleet({ ...opts, onProgress: undefined }, store);
    const replacements = refused.map((old) => new FleetAgent(old.index, old.platform, renewed.get(old.index)!, fleet));
    for (const agent of replacements) fleet.agents[fleet.agents.findIndex((a) => a.index === agent.index)] = agent;
    refused = await connectFirst(fleet, replacements, opts, total);
    if (refused.length > 0) {
      await fleet.stop();
      throw new Error(`the server refused ${refused.length} freshly enrolled simulated hosts`);
    }
  }
  return fleet;
}
