// The API client commands (login, shell, batch, …) start from one prebuilt JavaScript bundle
// when it is at least as new as its sources: loading the TypeScript sources through tsx costs
// most of a second of CPU on every run, which a responder feels on each `riposte hosts ls`.
// Plain JavaScript, so the bin can decide before any loader starts. scripts/build-cli.js writes it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The subcommands that only talk to a server over its API (completion lists every command, so it is not one). */
export const CLIENT_COMMANDS = ['login', 'shell', 'batch', 'get', 'put', 'hosts', 'groups', 'put-files', 'scripts', 'policies', 'audit'];

const cliDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BUNDLE = path.join(cliDir, 'dist', 'client-main.js');
/** The packages the bundle is made of (the third-party ones stay in node_modules). */
export const BUNDLE_SOURCES = ['cli', 'client', 'spec'].map((p) => path.join(cliDir, '..', p, 'src'));

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

/** True when the bundle exists and no source file changed after it was written. */
export function clientBundleIsCurrent() {
  try {
    const built = fs.statSync(BUNDLE).mtimeMs;
    return BUNDLE_SOURCES.every((dir) => newest(dir) <= built);
  } catch {
    return false;
  }
}
