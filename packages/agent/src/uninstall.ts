import fs from 'node:fs/promises';
import path from 'node:path';
import { Containment } from './containment/index.ts';
import { hostPlatform } from './commands/index.ts';

/**
 * Remove the agent from this machine: lift any containment it applied (so that uninstalling never
 * leaves a host cut off) and delete its state directory (identity, journal, outputs).
 */
export async function uninstallAgent(stateDir: string): Promise<void> {
  const dir = path.resolve(stateDir);
  const contained = await fs.stat(path.join(dir, 'containment.json')).then(() => true, () => false);
  if (contained) await new Containment(hostPlatform(), dir).remove();
  await fs.rm(dir, { recursive: true, force: true });
}
