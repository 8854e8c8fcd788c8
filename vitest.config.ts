import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel, each with its own database (test/support/db.ts).
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
