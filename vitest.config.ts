import { defineConfig } from 'vitest/config';

// One test run for the whole workspace. The `source` export condition makes
// packages import each other's TypeScript sources, so unit tests need no build.
// End-to-end tests that start the CLI process use the built output instead.
export default defineConfig({
  resolve: {
    conditions: ['source'],
  },
  ssr: {
    resolve: {
      conditions: ['source'],
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    setupFiles: ['./scripts/vitest-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
