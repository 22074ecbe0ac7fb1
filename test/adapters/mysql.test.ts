/**
 * The adapter suite on MySQL/MariaDB, each store in a fresh database. Skipped with a warning
 * when no server answers, failed under CI (test/support/services.ts).
 */
import { describe } from 'vitest'
import { requireMysql } from '../support/services.ts'
import { freshStore, mysqlTestDatabase } from './databases.ts'
import { kyselyDriverErrorSuite } from './kysely-errors-suite.ts'
import { kyselyMigrationSuite } from './kysely-suite.ts'
import { adapterSuite } from './suite.ts'

const url = await requireMysql()

describe.skipIf(url === null)('mysql', () => {
  const factory = mysqlTestDatabase(url ?? '')
  adapterSuite('mysql', freshStore(factory))
  kyselyMigrationSuite('mysql', factory)
  kyselyDriverErrorSuite('mysql', factory)
})
