#!/usr/bin/env node
// 7zip-bin ships its binaries without the execute bit on some installs; RTR file downloads need 7za.
import fs from 'node:fs';
import { createRequire } from 'node:module';

try {
  const { path7za } = createRequire(import.meta.url)('7zip-bin');
  fs.chmodSync(path7za, 0o755);
} catch (e) {
  console.warn(`postinstall: could not make 7za executable: ${e.message}`);
}

// The web console is served from its build, and the CLI's client commands start from a bundle
// (slower, from their sources, without one): make both now so a fresh clone starts with them.
for (const [script, what] of [['build-console.js', 'the web console'], ['build-cli.js', "the CLI's client bundle"]]) {
  try {
    const { spawnSync } = await import('node:child_process');
    spawnSync(process.execPath, [new URL(`./${script}`, import.meta.url).pathname], { stdio: 'inherit' });
  } catch (e) {
    console.warn(`postinstall: could not build ${what}: ${e.message}`);
  }
}
