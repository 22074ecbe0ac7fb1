// Mutation testing of the security core (docs/mutation.md). The machine this runs on is
// small and shared: one test runner, one or two files at a time (`npm run mutation -- --mutate
// src/security/sliding-window.ts`); incremental mode reuses every result whose code and tests
// did not change, from the committed mutation/stryker-incremental.json.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/jwt/**/*.ts',
    'src/authentication/**/*.ts',
    'src/revocation/**/*.ts',
    'src/refresh/**/*.ts',
    'src/security/**/*.ts',
    'src/password.ts',
    'src/manager.ts',
    'src/account-tokens.ts',
    'src/tokens.ts',
    'src/fastify/guard.ts',
    'src/oauth/state.ts',
    'src/oauth/callback.ts',
    'src/db/kysely/revocation-store.ts',
    'src/redis/revocation-store.ts',
  ],
  concurrency: 1,
  incremental: true,
  incrementalFile: 'mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
