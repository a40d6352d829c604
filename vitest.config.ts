import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['test/setup/worker.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: two workers. Tests start real servers on free ports, so files can run in parallel.
    maxWorkers: 2,
    restoreMocks: true,
  },
});
