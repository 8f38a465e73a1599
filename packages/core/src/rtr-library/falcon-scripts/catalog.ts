import crypto from 'node:crypto';
import type { Platform } from '../../platform.ts';
import fs from 'node:fs';
import type { FalconScript } from '../index.ts';

/**
 * The scripts riposte ships (the counterpart of the vendor's "Falcon scripts"): real, read-only
 * triage collectors. Their text lives beside this file so that it can be linted and run by hand;
 * ids are derived from the name so that they stay stable across releases and replicas.
 */
interface CatalogEntry {
  name: string;
  file: string;
  platform: Platform;
  description: string;
  use_case: string;
  categories: string[];
  /** `-JsonInput` keys, in argument order. */
  parameters: string[];
  /** Bump when the text changes. */
  revision: number;
  /** When this entry (at this revision) shipped. */
  modified: string;
}

const SHIPPED = '2025-01-01T00:00:00.000Z';

const entries: CatalogEntry[] = [
  {
    name: 'triage-linux',
    file: 'triage-linux.sh',
    platform: 'linux',
    description: 'Logged-in users, recent logins, listening sockets and the latest authentication log lines (argument: number of log lines, default 50).',
    use_case: 'triage',
    categories: ['triage', 'users', 'network', 'authentication'],
    parameters: ['Lines'],
    revision: 1,
    modified: SHIPPED,
  },
  {
    name: 'persistence-linux',
    file: 'persistence-linux.sh',
    platform: 'linux',
    description: 'Common persistence locations: cron, systemd units and timers, rc.local, shell start-up files, SSH authorized keys, ld.so.preload.',
    use_case: 'hunting',
    categories: ['persistence', 'hunting'],
    parameters: [],
    revision: 1,
    modified: SHIPPED,
  },
  {
    name: 'triage-windows',
    file: 'triage-windows.ps1',
    platform: 'windows',
    description: 'Logged-on users and interactive sessions, listening TCP/UDP endpoints with owning processes, recent logon events 4624/4625/4634/4648/4672 (-Events N, default 50).',
    use_case: 'triage',
    categories: ['triage', 'users', 'network', 'authentication'],
    parameters: ['Events'],
    revision: 1,
    modified: SHIPPED,
  },
  {
    name: 'triage-mac',
    file: 'triage-mac.sh',
    platform: 'mac',
    description: 'Logged-in and console users, recent logins, listening sockets (lsof) and authentication events from the unified log (argument: minutes, default 60).',
    use_case: 'triage',
    categories: ['triage', 'users', 'network', 'authentication'],
    parameters: ['Minutes'],
    revision: 1,
    modified: SHIPPED,
  },
];

function load(entry: CatalogEntry): FalconScript {
  const bytes = fs.readFileSync(new URL(entry.file, import.meta.url));
  return {
    id: crypto.createHash('sha256').update(`riposte-falcon-script:${entry.name}`).digest('hex').slice(0, 32),
    name: entry.name,
    description: entry.description,
    content: bytes.toString('utf8'),
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    platform: [entry.platform],
    use_case: entry.use_case,
    categories: entry.categories,
    is_disruptive: false,
    modifies_system: false,
    parameters: entry.parameters,
    revision: entry.revision,
    created_by: 'riposte',
    created_timestamp: SHIPPED,
    modified_by: 'riposte',
    modified_timestamp: entry.modified,
  };
}

let cache: FalconScript[] | undefined;

/** The built-in scripts, read once. */
export function falconScriptCatalog(): readonly FalconScript[] {
  cache ??= entries.map(load);
  return cache;
}
