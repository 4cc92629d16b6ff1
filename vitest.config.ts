import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    // Generous: CI hosts are busy, and a hang is still caught.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
