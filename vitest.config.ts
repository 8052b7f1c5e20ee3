import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // Generous: a loaded or slow CI machine must not turn a correct test into a timeout (speed lives in bench/).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests spawn real git and node processes; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
