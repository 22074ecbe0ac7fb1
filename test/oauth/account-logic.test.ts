/**
 * The OAuth account logic on every adapter: the Kysely adapter's SQLite, PostgreSQL and
 * MariaDB, and MongoDB (MONGODB_URL, or the in-process stand-in). PostgreSQL and MariaDB are
 * skipped with a warning when unreachable, and fail under CI (test/support/services.ts).
 */
import { afterAll, describe } from 'vitest'
import { MongoApiKeyStore, MongoAuditStore, MongoMagicLinkStore, MongoPasskeyStore, MongoSessionStore, MongoTwoFactorStore, mongoUserDatabase } from '../../src/db/mongodb/index.ts'
import { freshStore, mysqlTestDatabase, postgresTestDatabase, sqliteTestDatabase } from '../adapters/databases.ts'
import { scratchDatabaseName, startMongoTestServer } from '../support/mongo-server.ts'
import { requireMysql, requirePostgres } from '../support/services.ts'
import { oauthAccountLogicSuite } from './account-logic-suite.ts'

const [postgres, mysql, mongo] = await Promise.all([requirePostgres(), requireMysql(), startMongoTestServer()])
afterAll(() => mongo?.stop())

oauthAccountLogicSuite('sqlite', freshStore(sqliteTestDatabase))

describe.skipIf(postgres === null)('postgres', () => {
  oauthAccountLogicSuite('postgres', freshStore(postgresTestDatabase(postgres ?? '')))
})

describe.skipIf(mysql === null)('mysql', () => {
  oauthAccountLogicSuite('mysql', freshStore(mysqlTestDatabase(mysql ?? '')))
})

describe.skipIf(mongo === null)('mongodb', () => {
  oauthAccountLogicSuite(`mongodb (${mongo?.kind})`, async () => {
    const store = await mongoUserDatabase({ url: mongo!.url, database: scratchDatabaseName() })
    return {
      users: store.users,
      accessTokens: store.accessTokens,
      twoFactor: new MongoTwoFactorStore({ db: store.db }),
      magicLinks: new MongoMagicLinkStore({ db: store.db }),
      passkeys: new MongoPasskeyStore({ db: store.db }),
      apiKeys: new MongoApiKeyStore({ db: store.db }),
      sessions: new MongoSessionStore({ db: store.db }),
      audit: new MongoAuditStore({ db: store.db }),
      destroy: async () => {
        await store.db.dropDatabase()
        await store.destroy()
      },
    }
  })
})
