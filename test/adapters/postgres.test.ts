/**
 * The adapter suite on PostgreSQL, each store in a fresh schema. Skipped with a warning when
 * no server answers, failed under CI (test/support/services.ts).
 */
import { describe } from 'vitest'
import { requirePostgres } from '../support/services.ts'
import { freshStore, postgresTestDatabase } from './databases.ts'
import { kyselyDriverErrorSuite } from './kysely-errors-suite.ts'
import { kyselyMigrationSuite } from './kysely-suite.ts'
import { adapterSuite } from './suite.ts'

const url = await requirePostgres()

describe.skipIf(url === null)('postgres', () => {
  const factory = postgresTestDatabase(url ?? '')
  adapterSuite('postgres', freshStore(factory))
  kyselyMigrationSuite('postgres', factory)
  kyselyDriverErrorSuite('postgres', factory)
})
