import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The build (dist/): tests that import it get what Node loads, not a copy vite transformed again. */
const DIST = new RegExp(`^${fileURLToPath(new URL('./dist/', import.meta.url)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    // The trackers' kinds of state, for tests that use the ledger without the pipeline.
    setupFiles: ['test/setup/trackers.ts'],
    testTimeout: 20000,
    // The CLI tests run dist/cli/program.js in-process (test/cli/run.ts): Node loads its ~150 files
    // natively in a few tens of ms where vite's transform of each took seconds per worker.
    server: { deps: { external: [DIST] } },
    // The tests share no global state (CLI tests spawn their own processes), so one module cache
    // per worker is safe; a fresh one per file made start-up cost more than the tests themselves.
    pool: 'threads',
    isolate: false,
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine, idle while
    // the CLI tests wait for their child processes. One more worker than cores keeps both cores busy
    // (measured on 2 cores: about a third less wall time than one worker).
    maxWorkers: availableParallelism() + 1,
    // As many kept as started: with fewer, tinypool retires idle threads, and a retirement racing a
    // new file fails the run with "Terminating worker thread" (seen here; vitest issue 8133).
    minWorkers: availableParallelism() + 1,
  },
});
