/**
 * Test helpers for executors (not test files themselves; they import vitest): `harness` drives any
 * Executor and asserts on a command's success or its failure code.
 */
export { harness, type Harness, type RunOptions } from './harness.ts';
