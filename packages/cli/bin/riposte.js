#!/usr/bin/env node
// riposte runs its TypeScript sources directly through tsx's loader: no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
