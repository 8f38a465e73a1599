#!/usr/bin/env node
// Bundles the CLI's API client commands (packages/cli/src/client-main.ts with the client and spec
// packages) into packages/cli/dist/client-main.js, which bin/riposte.js runs when it is current.
// Third-party packages stay external and load from node_modules. `--force` always builds.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE, BUNDLE_INPUTS, clientBundleIsCurrent } from '../packages/cli/bin/client-bundle.js';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const entry = path.join(root, 'packages', 'cli', 'src', 'client-main.ts');

/** Bundle the workspace packages (TypeScript sources), leave every other bare import to node_modules. */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@riposte/') ? undefined : { path: args.path, external: true }));
  },
};

if (process.argv.includes('--force') || !clientBundleIsCurrent()) {
  const { metafile } = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    metafile: true,
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [thirdPartyExternal],
    logLevel: 'warning',
    legalComments: 'none',
  });
  // The client commands talk to a server; the server, core and the agent (the database, files read
  // beside their sources) have no place in them, and do not work from a bundle.
  const inputs = Object.keys(metafile.inputs);
  const heavy = inputs.filter((f) => /^packages\/(core|agent|server)\//.test(f));
  if (heavy.length) {
    fs.rmSync(BUNDLE, { force: true });
    console.error(`build-cli: the client bundle would include ${heavy.slice(0, 3).join(', ')}${heavy.length > 3 ? ` and ${heavy.length - 3} more` : ''}; import a light module (a package subpath) instead`);
    process.exit(1);
  }
  // What the bin checks to know the bundle is current (the bundle is written before this list).
  fs.writeFileSync(BUNDLE_INPUTS, JSON.stringify(inputs));
}
