import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/setup/worker.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: two workers. Tests start real servers on free ports, so files can run in parallel.
    maxWorkers: 2,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'authproxy',
          include: ['packages/authproxy/test/**/*.test.ts'],
          // Its tests share nothing through module state (no module mocks; servers, registries and
          // clocks are passed in), so a worker evaluates the modules once, not once per file:
          // its ~60 small test files would otherwise spend most of their time importing.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'dns',
          include: ['packages/dns/test/**/*.test.ts'],
          // The same holds for DNS's tests (every registry, clock, source and upstream is passed
          // in; the service's modules keep no state of their own between services), whose unit
          // test files mirroring src/ spent a third of the suite importing the same modules again.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'horizon',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['packages/authproxy/**', 'packages/dns/**', '**/node_modules/**'],
        },
      },
    ],
  },
});
