import { defineConfig } from 'vitest/config'

/**
 * The tests Stryker runs (stryker.config.mjs): the fast suites of the security core, on
 * SQLite and in memory only. The PostgreSQL, MariaDB, MongoDB and Redis suites run the same
 * contracts more slowly, and would multiply every mutant's cost. MUTATION_TESTS (a comma-separated
 * list) narrows the run to the unit tests of the file under mutation, so that a run fits the
 * time at hand; the score it gives is then a lower bound.
 */
const only = process.env['MUTATION_TESTS']?.split(',').filter(Boolean)

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: only ?? [
      'test/jwt.test.ts',
      'test/jwt-sign.test.ts',
      'test/jwt-input-shape.test.ts',
      'test/password.test.ts',
      'test/password-concurrency.test.ts',
      'test/password-in-flight.test.ts',
      'test/password-boundaries.test.ts',
      'test/manager.test.ts',
      'test/manager-guards.test.ts',
      'test/guard.test.ts',
      'test/guard-refusals.test.ts',
      'test/refresh.test.ts',
      'test/transports.test.ts',
      'test/strategies/jwt-revocation.test.ts',
      'test/strategies/database.test.ts',
      'test/revocation/jwt-token-keys.test.ts',
      'test/revocation/denylist-sweep.test.ts',
      'test/revocation/revocation-rules.test.ts',
      'test/revocation/routes.test.ts',
      'test/security/sliding-window.test.ts',
      'test/security/lockout.test.ts',
      'test/security/brute-force.test.ts',
      'test/security/jwt-tampering.test.ts',
      'test/security/token-misuse.test.ts',
      'test/oauth/state.test.ts',
      'test/oauth/account-logic.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
