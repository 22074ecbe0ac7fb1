/**
 * Scratch databases for the Kysely adapter's tests: a temp SQLite file, a fresh PostgreSQL
 * schema or a fresh MySQL database, each with the public factory that opens a store on it and
 * a plain Kysely instance for setting up and inspecting tables behind the adapter's back.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import { createPool } from 'mysql2'
import pg from 'pg'
import {
  KyselyAuditStore,
  KyselyMagicLinkStore,
  KyselyPasskeyStore,
  KyselySessionStore,
  KyselyTwoFactorStore,
  KyselyApiKeyStore,
  mysqlUserDatabase,
  postgresUserDatabase,
  sqliteUserDatabase,
  type FieldDefinitions,
  type KyselyUserStore,
  type SqlDialect,
  type UserWithFields,
} from '../../src/db/kysely/index.ts'
import { scratchMysqlDatabase, scratchPostgresSchema } from '../support/services.ts'

export interface TestDatabase {
  dialect: SqlDialect
  /** A URL `openUserDatabase` accepts for this database. */
  url: string
  /** Opens a store through the dialect's public factory. */
  open<F extends FieldDefinitions = Record<never, never>>(fields?: F): Promise<KyselyUserStore<UserWithFields<F>>>
  /** A plain connection to the same database, closed by `drop()`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  raw: Kysely<any>
  /** Closes `raw` and deletes the database. */
  drop(): Promise<void>
}

/** Makes a new scratch database of one dialect. */
export type TestDatabaseFactory = () => Promise<TestDatabase>

/** A new SQLite file in a temp directory. */
export async function sqliteTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'fastify-users-'))
  const filename = join(dir, 'users.db')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const raw = new Kysely<any>({ dialect: new SqliteDialect({ database: async () => new Database(filename) }) })
  return {
    dialect: 'sqlite',
    url: `sqlite://${filename}`,
    open: (fields) => sqliteUserDatabase({ filename, fields }),
    raw,
    drop: async () => {
      await raw.destroy()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A factory of fresh PostgreSQL schemas on the server at `adminUrl`. */
export function postgresTestDatabase(adminUrl: string): TestDatabaseFactory {
  return async () => {
    const scratch = await scratchPostgresSchema(adminUrl)
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 })
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const raw = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
    return {
      dialect: 'postgres',
      url: scratch.url,
      open: (fields) => postgresUserDatabase({ connectionString: scratch.url, fields }),
      raw,
      drop: async () => {
        await raw.destroy()
        await scratch.drop()
      },
    }
  }
}

/** A factory of fresh MySQL/MariaDB databases on the server at `adminUrl`. */
export function mysqlTestDatabase(adminUrl: string): TestDatabaseFactory {
  return async () => {
    const scratch = await scratchMysqlDatabase(adminUrl)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const raw = new Kysely<any>({ dialect: new MysqlDialect({ pool: createPool({ uri: scratch.url, connectionLimit: 2 }) }) })
    return {
      dialect: 'mysql',
      url: scratch.url,
      open: (fields) => mysqlUserDatabase({ uri: scratch.url, fields }),
      raw,
      drop: async () => {
        await raw.destroy()
        await scratch.drop()
      },
    }
  }
}

/** The suite's `open` for a dialect: each store on a database of its own, dropped on destroy. */
export function freshStore(factory: TestDatabaseFactory) {
  return async (options: { fields?: FieldDefinitions }) => {
    const database = await factory()
    const store = await database.open(options.fields).catch(async (error: unknown) => {
      await database.drop()
      throw error
    })
    return {
      users: store.users,
      accessTokens: store.accessTokens,
      twoFactor: new KyselyTwoFactorStore({ db: store.db, dialect: store.dialect }),
      magicLinks: new KyselyMagicLinkStore({ db: store.db, dialect: store.dialect }),
      passkeys: new KyselyPasskeyStore({ db: store.db, dialect: store.dialect }),
      apiKeys: new KyselyApiKeyStore({ db: store.db }),
      sessions: new KyselySessionStore({ db: store.db }),
      audit: new KyselyAuditStore({ db: store.db }),
      destroy: async () => {
        await store.destroy()
        await database.drop()
      },
    }
  }
}
