#!/usr/bin/env node
import { nodeVersionProblem } from './node-version.js';
import { BUNDLE, CLIENT_COMMANDS, clientBundleIsCurrent } from './client-bundle.js';

const problem = nodeVersionProblem(process.version);
if (problem) {
  console.error(`riposte: ${problem}`);
  process.exit(1);
}

if (CLIENT_COMMANDS.includes(process.argv[2] ?? '') && clientBundleIsCurrent()) {
  await import(BUNDLE);
} else {
  // Everything else runs its TypeScript sources directly through tsx's loader: no build step.
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
