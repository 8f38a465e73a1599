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
/** The source files the bundle was made of (relative to the repository root), written beside it. */
export const BUNDLE_INPUTS = path.join(cliDir, 'dist', 'client-main.inputs.json');
const root = path.join(cliDir, '..', '..');

/** True when the bundle exists and none of its source files changed (or went) after it was written. */
export function clientBundleIsCurrent() {
  try {
    const built = fs.statSync(BUNDLE).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(BUNDLE_INPUTS, 'utf8'));
    return inputs.length > 0 && inputs.every((f) => fs.statSync(path.join(root, f)).mtimeMs <= built);
  } catch {
    return false;
  }
}
