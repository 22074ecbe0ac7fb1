import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection suite starts servers of its own and takes minutes: `npm run test:faults`.
    exclude: ['test/faults/**', '**/node_modules/**'],
    setupFiles: ['test/support/quiet-warnings.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
