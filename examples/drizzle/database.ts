/**
 * The example's database: a Drizzle database on the SQLite file or PostgreSQL server that
 * DATABASE_URL names, brought up to date with the committed drizzle-kit migrations at start
 * (no network needed), and the users system's stores over its tables.
 */
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzleUserDatabase, setSqliteCache } from 'fastify-users/drizzle'
import pg from 'pg'
import { ConfigError } from '../full/config.ts'
import type { ExampleStore } from '../full/database.ts'
import * as pgSchema from './schema-pg.ts'
import * as sqliteSchema from './schema-sqlite.ts'

/**
 * The Drizzle schema declares FastAPI Users' tables only: JWT logouts then live in this
 * process (or in Redis with REDIS_URL), refresh tokens, passkeys and two-factor are not offered and
 * sessions are not recorded (but with the Redis strategy, in Redis).
 */
const NO_SESSION_TABLES = { revocation: null, refreshTokens: null, sessions: null, audit: null, apiKeys: null, cacheChannel: null, passkeys: null, twoFactor: null }

const migrations = (dialect: string): string => fileURLToPath(new URL(`./drizzle/${dialect}`, import.meta.url))

/**
 * Opens and migrates the database of a `sqlite://path` or `postgres://…` URL.
 *
 * @example
 * ```ts
 * const database = await openDatabase('sqlite://./users-drizzle.db')
 * ```
 */
export async function openDatabase(url: string): Promise<ExampleStore> {
  if (url.startsWith('sqlite://') && url.length > 'sqlite://'.length) {
    const client = new Database(url.slice('sqlite://'.length))
    const db = drizzleSqlite({ client })
    try {
      // SQLite enforces the cascades only when asked; WAL lets readers run beside a writer; the
      // library's memory map keeps a million users' lookups off read(2).
      client.pragma('foreign_keys = ON')
      client.pragma('journal_mode = WAL')
      setSqliteCache(client)
      migrateSqlite(db, { migrationsFolder: migrations('sqlite') })
    } catch (error) {
      client.close()
      throw error
    }
    const { users, accessTokens } = drizzleUserDatabase({ db, tables: sqliteSchema })
    return {
      users,
      accessTokens: accessTokens!,
      ...NO_SESSION_TABLES,
      ping: async () => void client.prepare('SELECT 1').get(),
      destroy: async () => {
        client.close()
      },
    }
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // Queries and connection attempts fail after a second rather than hold the request.
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 1000, query_timeout: 1000 })
    // A connection the server drops is reported on its client, checked out or idle (then on the
    // pool too); without a listener Node would end the process.
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
    const db = drizzlePg({ client: pool })
    try {
      await migratePg(db, { migrationsFolder: migrations('pg') })
    } catch (error) {
      await pool.end()
      throw error
    }
    const { users, accessTokens } = drizzleUserDatabase({ db, tables: pgSchema })
    return {
      users,
      accessTokens: accessTokens!,
      ...NO_SESSION_TABLES,
      ping: async () => void (await pool.query('SELECT 1')),
      destroy: () => pool.end(),
    }
  }
  throw new ConfigError('DATABASE_URL must be sqlite://<path> or postgres://… for the Drizzle example')
}
