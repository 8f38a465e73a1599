// identities.json: the credentials simulated hosts enrolled with, kept across runs.

import fs from 'node:fs';
import path from 'node:path';
import type { Platform } from '../../commands/index.ts';

export const IDENTITIES_FILE = 'identities.json';

interface IdentitiesFile {
  version: 1;
  /** `seed/platform/index` → credentials. */
  agents: Record<string, { device_id: string; agent_secret: string }>;
}

export function fleetIdentityKey(seed: string | number, platform: Platform, index: number): string {
  return `${seed}/${platform}/${index}`;
}

/**
 * identities.json: the credentials of every simulated host enrolled from this state directory,
 * so that a re-run reconnects the same hosts instead of enrolling new ones. One writer at a time
 * (the process that enrolls); worker processes only read it.
 */
export class FleetIdentities {
  private data: IdentitiesFile = { version: 1, agents: {} };
  readonly file: string | undefined;

  constructor(stateDir?: string) {
    this.file = stateDir ? path.join(path.resolve(stateDir), IDENTITIES_FILE) : undefined;
    if (!this.file) return;
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const parsed = JSON.parse(text) as IdentitiesFile;
    if (parsed?.version !== 1 || typeof parsed.agents !== 'object') throw new Error(`${this.file}: not a riposte identities file`);
    this.data = parsed;
  }

  get size(): number {
    return Object.keys(this.data.agents).length;
  }

  get(key: string): { device_id: string; agent_secret: string } | undefined {
    return this.data.agents[key];
  }

  set(key: string, id: { device_id: string; agent_secret: string }): void {
    this.data.agents[key] = { device_id: id.device_id, agent_secret: id.agent_secret };
  }

  delete(key: string): void {
    delete this.data.agents[key];
  }

  /** Written whole to a temp file and renamed over the old one: a crash never leaves half a file. */
  save(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
