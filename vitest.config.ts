import { defineConfig } from 'vitest/config';

// Two cores: run test files two at a time; each e2e file starts its own server on a random port.
// The timeouts below are a guard against hangs, not a measure: a test waits for events (a line on
// a screen, a command's end, a process saying it is ready) with bounds a busy machine cannot reach,
// and a test that starts riposte processes (seconds of CPU each to load the TypeScript sources)
// sets its own, longer timeout, since the other file running beside it can slow it several times.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
