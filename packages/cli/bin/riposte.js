#!/usr/bin/env node
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.version);
if (problem) {
  console.error(`riposte: ${problem}`);
  process.exit(1);
}

// riposte runs its TypeScript sources directly through tsx's loader: no build step.
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
