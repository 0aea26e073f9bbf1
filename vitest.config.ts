import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    // The trackers' kinds of state, for tests that use the ledger without the pipeline.
    setupFiles: ['test/setup/trackers.ts'],
    testTimeout: 20000,
    // The tests share no global state (CLI tests spawn their own processes), so one module cache
    // per worker is safe; a fresh one per file made start-up cost more than the tests themselves.
    pool: 'threads',
    isolate: false,
  },
});
