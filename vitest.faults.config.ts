import { defineConfig } from 'vitest/config'

/** The fault-injection suite (test/faults): private servers, restarted under load, one file at a time. */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
})
