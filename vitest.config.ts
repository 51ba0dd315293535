import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default, one worker fewer than the cores, is a single worker on two cores; but a
    // worker spends much of its time waiting on CLI child processes, servers and timeouts.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['test/global-setup.ts'],
    // One PGlite per test file (a schema per test) and no initdb per database: test/shared-pglite.ts.
    setupFiles: ['test/setup.ts'],
  },
});
