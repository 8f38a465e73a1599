// Everything a simulated host is once it has been used: its profile (regenerable), disk, process
// table, registry and the few bits of state commands change. Created on the first command, so an
// idle SimulatedExecutor holds only its identity.

import { generateFs } from './fs-layout.ts';
import { buildProfile, type HostIdentity, type HostProfile } from './host-profile.ts';
import { VirtualFs } from './virtual-fs.ts';
import { VirtualProcesses } from './virtual-processes.ts';
import { VirtualRegistry } from './virtual-registry.ts';

export class VirtualHost {
  readonly fs: VirtualFs;
  readonly processes: VirtualProcesses;
  #profile: HostProfile | undefined;
  #registry: VirtualRegistry | undefined;
  /** Updates installed by `update install`: name → time (ms). */
  installedUpdates: Map<string, number> | undefined;
  /** Network drives from `map`: `Z:` → `\\server\share`. */
  mappedDrives: Map<string, string> | undefined;
  /** Set by restart/shutdown; what the simulator does with it is up to the simulator. */
  pendingPower: 'restart' | 'shutdown' | null = null;

  constructor(readonly identity: HostIdentity) {
    const profile = () => this.profile;
    this.fs = new VirtualFs(identity.platform, () => generateFs(profile()));
    this.processes = new VirtualProcesses(profile);
  }

  get profile(): HostProfile {
    return (this.#profile ??= buildProfile(this.identity));
  }

  get registry(): VirtualRegistry {
    return (this.#registry ??= new VirtualRegistry(() => this.profile));
  }

  /** Whether any command changed state that the seed can't regenerate. */
  get changed(): boolean {
    return this.fs.changed || this.processes.changed || !!this.#registry?.changed || !!this.installedUpdates || !!this.mappedDrives || this.pendingPower !== null;
  }

  /** Drops everything regenerable; changes made by commands are kept. */
  dispose(): void {
    this.#profile = undefined;
    this.fs.dropBase();
    this.processes.dropCache();
    this.#registry?.dropBase();
  }
}
