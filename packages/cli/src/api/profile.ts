import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One saved way to reach a server: what `riposte login` stores. */
export interface Profile {
  server: string;
  client_id: string;
  client_secret: string;
}

export interface ConfigFile {
  current?: string;
  profiles: Record<string, Profile>;
}

/** `$XDG_CONFIG_HOME/riposte` (default `~/.config/riposte`): the config file and the shell's history. */
export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'riposte');
}

export const configFile = () => path.join(configDir(), 'config.json');

export function readConfig(): ConfigFile {
  const file = configFile();
  if (!fs.existsSync(file)) return { profiles: {} };
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ConfigFile;
    return { current: parsed.current, profiles: parsed.profiles ?? {} };
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix or remove it and run riposte login again`);
  }
}

/** Saves a profile (mode 0600 in a 0700 directory: it holds a secret) and makes it the current one. */
export function saveProfile(name: string, profile: Profile): string {
  const config = readConfig();
  config.profiles[name] = profile;
  config.current = name;
  fs.mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const file = configFile();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
  return file;
}

/**
 * The credentials a command uses: the named profile (or the current one), with RIPOSTE_SERVER,
 * RIPOSTE_CLIENT_ID and RIPOSTE_CLIENT_SECRET overriding its fields.
 */
export function resolveProfile(name?: string): Profile & { profile?: string } {
  const config = readConfig();
  const chosen = name ?? process.env.RIPOSTE_PROFILE ?? config.current;
  const saved = chosen ? config.profiles[chosen] : undefined;
  if (name && !saved) throw new Error(`no profile "${name}" in ${configFile()}; known: ${Object.keys(config.profiles).join(', ') || 'none'} (create it with riposte login --profile ${name})`);
  const server = process.env.RIPOSTE_SERVER ?? saved?.server;
  const client_id = process.env.RIPOSTE_CLIENT_ID ?? saved?.client_id;
  const client_secret = process.env.RIPOSTE_CLIENT_SECRET ?? saved?.client_secret;
  if (!server || !client_id || !client_secret) {
    throw new Error('not logged in: run riposte login --server URL (or --data DIR on the server machine), or set RIPOSTE_SERVER, RIPOSTE_CLIENT_ID and RIPOSTE_CLIENT_SECRET');
  }
  return { server, client_id, client_secret, profile: saved ? chosen : undefined };
}
