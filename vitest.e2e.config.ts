import { defineConfig } from 'vitest/config';

// End-to-end tests drive headless Chromium against the built deck (dist/): one browser at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
