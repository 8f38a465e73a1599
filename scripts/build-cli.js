#!/usr/bin/env node
// Bundles the CLI's API client commands (packages/cli/src/client-main.ts with the client and spec
// packages) into packages/cli/dist/client-main.js, which bin/riposte.js runs when it is current.
// Third-party packages stay external and load from node_modules. `--force` always builds.
import { build } from 'esbuild';
import { BUNDLE, clientBundleIsCurrent } from '../packages/cli/bin/client-bundle.js';

const entry = new URL('../packages/cli/src/client-main.ts', import.meta.url).pathname;

/** Bundle the workspace packages (TypeScript sources), leave every other bare import to node_modules. */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@riposte/') ? undefined : { path: args.path, external: true }));
  },
};

if (process.argv.includes('--force') || !clientBundleIsCurrent()) {
  await build({
    entryPoints: [entry],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [thirdPartyExternal],
    logLevel: 'warning',
    legalComments: 'none',
  });
}
