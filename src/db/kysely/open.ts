/**
 * Store factories: each opens (or adopts) a Kysely instance, runs the migrations, and returns
 * the two databases the core needs. SQLite connections get `foreign_keys = ON` (the cascades
 * of FastAPI Users' tables need it, and SQLite enforces nothing by default), for files the WAL
 * journal, so that readers do not wait for a writer, and a memory map, so that a million
 * users' pages are read where the OS file cache holds them (src/db/sql/sqlite-cache.ts).
 */
import { resolve } from 'node:path'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely'
import { ServiceUnavailableError } from '../../errors.ts'
import { importOptional } from '../../optional-dependency.ts'
import { reusingStatements } from './sqlite-statements.ts'
import { sqliteCachePragmas, type SqliteCacheOptions } from '../sql/sqlite-cache.ts'
import type { UserRecord } from '../../user.ts'
import { DatabaseStartupError, sqlStartupError } from '../startup-error.ts'
import type { FieldDefinitions, FieldValues } from '../fields.ts'
import type { AccessTokenDatabase } from '../types.ts'
import { KyselyAccessTokenDatabase } from './access-token-database.ts'
import { migrate } from './migrate.ts'
import { DEFAULT_TIMEOUT_MS, guardedMysqlPool, guardedPostgresPool, listenMysqlErrors, listenPostgresErrors } from './pool-guards.ts'
import type { MysqlPoolSettings, PostgresPoolSettings } from './pool-settings.ts'
import { openMysqlReplica, openPostgresReplica } from './read-replica.ts'
import type { AnyKysely, SqlDialect, UserTables } from './schema.ts'
import { KyselyUserDatabase } from './user-database.ts'

/** What the store factories return: the core's two databases over one Kysely instance. */
export interface KyselyUserStore<U extends UserRecord = UserRecord> {
  users: KyselyUserDatabase<U>
  accessTokens: AccessTokenDatabase
  /** The Kysely instance (the primary), for the application's own queries on these tables. */
  db: Kysely<UserTables>
  /**
   * The read replica's Kysely instance when the store was opened with one (`readConnectionString`,
   * `readUri`), else `null`: for the application's own reads that tolerate lag, never for one
   * that decides authentication or follows a write.
   */
  replica: Kysely<UserTables> | null
  dialect: SqlDialect
  /** One round trip to the database (`SELECT 1`), for readiness checks (`checkHealth`). */
  ping(): Promise<void>
  /** Closes the connections the factory opened (a no-op for `kyselyUserDatabase`). */
  destroy(): Promise<void>
}

/**
 * A user record with the declared custom fields typed, when the declarations are literal (an
 * object written in the call, or `as const`); plain `UserRecord` when they are only known as
 * `FieldDefinitions`.
 */
export type UserWithFields<F extends FieldDefinitions> = string extends keyof F ? UserRecord : UserRecord & FieldValues<F>

type NoFields = Record<never, never>

export interface StoreOptions<F extends FieldDefinitions> {
  /** The application's own columns of the `user` table. */
  fields?: F
  /**
   * PostgreSQL and MySQL/MariaDB: milliseconds a query, or opening a connection, may take
   * before the request is answered 503 (default 1000; `null`: no limit). Migrations have none.
   */
  timeoutMs?: number | null
}

/**
 * `mmapSizeBytes` (default 1 GiB) and `cacheSizeKiB` (default: better-sqlite3's 16,000 KiB): the
 * connection's memory map and page cache, see `SqliteCacheOptions`.
 */
export interface SqliteStoreOptions<F extends FieldDefinitions> extends StoreOptions<F>, SqliteCacheOptions {
  /** A file path, or `:memory:`. */
  filename: string
}

export interface PostgresStoreOptions<F extends FieldDefinitions> extends StoreOptions<F> {
  /** `postgres://user:password@host:5432/database` */
  connectionString: string
  /** Further `pg.Pool` settings (size, timeouts, TLS): see `PostgresPoolSettings`. */
  pool?: PostgresPoolSettings
  /**
   * A read replica (`postgres://…` of a streaming standby) for the reads that tolerate lag:
   * user lists and a superuser's `GET /users/{id}` (`getForDisplay`). Everything else reads the
   * primary (src/db/kysely/read-replica.ts). Default: none, every read goes to the primary.
   */
  readConnectionString?: string
  /** `pg.Pool` settings of the replica's pool (default: those of `pool`). */
  readPool?: PostgresPoolSettings
}

export interface MysqlStoreOptions<F extends FieldDefinitions> extends StoreOptions<F> {
  /** `mysql://user:password@host:3306/database` */
  uri: string
  /** Further `mysql2` pool settings: see `MysqlPoolSettings`. */
  pool?: MysqlPoolSettings
  /** A read replica (`mysql://…`) for the reads that tolerate lag, as `readConnectionString` of PostgreSQL. */
  readUri?: string
  /** mysql2 pool settings of the replica's pool (default: those of `pool`). */
  readPool?: MysqlPoolSettings
}

export interface KyselyStoreOptions<F extends FieldDefinitions> extends StoreOptions<F> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  dialect: SqlDialect
  /** Run the migrations now (default). Pass `false` if you run `migrate()` yourself. */
  migrate?: boolean
  /**
   * A Kysely instance on a read replica of `db` (kept open by `destroy()`, as `db` is), for the
   * reads that tolerate lag, as `readConnectionString` of `postgresUserDatabase`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  replica?: Kysely<any>
}

/**
 * Opens a SQLite file (created if missing), migrates it, and returns the store. An existing
 * FastAPI Users database opens as is; the library only adds what it lacks.
 *
 * @example
 * ```ts
 * const store = await sqliteUserDatabase({ filename: './users.db', fields: { nickname: { type: 'text' } } })
 * const user = await store.users.getByEmail('King.Arthur@camelot.bt')
 * await store.destroy()
 * ```
 */
export async function sqliteUserDatabase<F extends FieldDefinitions = NoFields>(
  options: SqliteStoreOptions<F>,
): Promise<KyselyUserStore<UserWithFields<F>>> {
  const { default: Database } = await importOptional('better-sqlite3', 'The SQLite adapter', () => import('better-sqlite3'))
  const inMemory = options.filename === ':memory:' || options.filename === ''
  const cachePragmas = sqliteCachePragmas(options)
  let database
  try {
    database = new Database(options.filename)
  } catch (error) {
    throw sqliteStartupError(options.filename, error)
  }
  try {
    database.pragma('foreign_keys = ON')
    if (!inMemory) database.pragma('journal_mode = WAL')
    for (const pragma of cachePragmas) database.pragma(pragma)
  } catch (error) {
    database.close()
    throw sqliteStartupError(options.filename, error)
  }
  const db = new Kysely<UserTables>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) })
  if (inMemory) return openOwned(db, 'sqlite', options.fields)
  return oneAtATime(resolve(options.filename), () => openOwned(db, 'sqlite', options.fields))
}

/** A SQLite file that cannot be opened (a missing directory, no permission, not a database). */
function sqliteStartupError(filename: string, error: unknown): DatabaseStartupError {
  const reason = error instanceof Error ? error.message : String(error)
  return new DatabaseStartupError(`cannot open the SQLite database ${JSON.stringify(filename)}: ${reason}`, { cause: error })
}

const sqliteMigrations = new Map<string, Promise<unknown>>()

/**
 * Runs the migrations of one SQLite file one store at a time within this process. Between
 * processes SQLite's busy timeout makes the second migration wait for the first; within one
 * process it cannot, because better-sqlite3 waits synchronously, blocking the very event loop
 * the first migration needs to finish.
 */
async function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const current = (sqliteMigrations.get(key) ?? Promise.resolve()).catch(() => {}).then(run)
  sqliteMigrations.set(key, current)
  try {
    return await current
  } finally {
    if (sqliteMigrations.get(key) === current) sqliteMigrations.delete(key)
  }
}

/**
 * Opens a PostgreSQL connection pool, migrates the database, and returns the store. The
 * tables live in the first schema of the connection's `search_path`. Queries and connection
 * attempts time out after `timeoutMs`; a database that is down or too slow is a
 * `ServiceUnavailableError`, and the pool reconnects when it is back (pool-guards.ts).
 *
 * @example
 * ```ts
 * const store = await postgresUserDatabase({ connectionString: process.env.DATABASE_URL! })
 * ```
 */
export async function postgresUserDatabase<F extends FieldDefinitions = NoFields>(
  options: PostgresStoreOptions<F>,
): Promise<KyselyUserStore<UserWithFields<F>>> {
  const { Pool } = await importOptional('pg', 'The PostgreSQL adapter', () => import('pg'))
  const timeoutMs = requestTimeout(options.timeoutMs)
  const pool = new Pool({ connectionTimeoutMillis: timeoutMs ?? 0, ...options.pool, connectionString: options.connectionString })
  listenPostgresErrors(pool)
  const db = new Kysely<UserTables>({ dialect: new PostgresDialect({ pool: guardedPostgresPool(pool, timeoutMs) }) })
  const migrator = new Kysely<UserTables>({ dialect: new PostgresDialect({ pool: guardedPostgresPool(pool, null) }) })
  const readUrl = options.readConnectionString
  const replica = readUrl === undefined ? undefined : () => openPostgresReplica(readUrl, options.readPool ?? options.pool, timeoutMs)
  return openOwned(db, 'postgres', options.fields, { migrator, url: options.connectionString, replica })
}

/**
 * Opens a MySQL or MariaDB connection pool, migrates the database, and returns the store.
 * Timeouts and outages as for PostgreSQL.
 *
 * @example
 * ```ts
 * const store = await mysqlUserDatabase({ uri: 'mysql://root@127.0.0.1:3306/app' })
 * ```
 */
export async function mysqlUserDatabase<F extends FieldDefinitions = NoFields>(
  options: MysqlStoreOptions<F>,
): Promise<KyselyUserStore<UserWithFields<F>>> {
  const { createPool } = await importOptional('mysql2', 'The MySQL/MariaDB adapter', () => import('mysql2'))
  const timeoutMs = requestTimeout(options.timeoutMs)
  const pool = createPool({ ...(timeoutMs === null ? {} : { connectTimeout: timeoutMs }), ...options.pool, uri: options.uri })
  listenMysqlErrors(pool)
  const db = new Kysely<UserTables>({ dialect: new MysqlDialect({ pool: guardedMysqlPool(pool, timeoutMs) }) })
  const migrator = new Kysely<UserTables>({ dialect: new MysqlDialect({ pool: guardedMysqlPool(pool, null) }) })
  const readUri = options.readUri
  const replica = readUri === undefined ? undefined : () => openMysqlReplica(readUri, options.readPool ?? options.pool, timeoutMs)
  return openOwned(db, 'mysql', options.fields, { migrator, url: options.uri, replica })
}

/**
 * Builds the store on a Kysely instance the application owns (and keeps: `destroy()` leaves it
 * open). The adapter queries it without its plugins, since a plugin such as CamelCasePlugin
 * would rename FastAPI Users' columns.
 *
 * @example
 * ```ts
 * const store = await kyselyUserDatabase({ db: appDb, dialect: 'postgres' })
 * ```
 */
export async function kyselyUserDatabase<F extends FieldDefinitions = NoFields>(
  options: KyselyStoreOptions<F>,
): Promise<KyselyUserStore<UserWithFields<F>>> {
  const db = options.db.withoutPlugins() as Kysely<UserTables>
  const fields = options.fields ?? {}
  if (options.migrate !== false) await migrate(db, options.dialect, { fields })
  const replica = options.replica === undefined ? null : (options.replica.withoutPlugins() as Kysely<UserTables>)
  return buildStore(db, replica, options.dialect, fields, async () => {})
}

function requestTimeout(timeoutMs: number | null | undefined): number | null {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS
  if (timeoutMs !== null && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError('timeoutMs must be a positive whole number of milliseconds, or null')
  }
  return timeoutMs
}

/**
 * `migrator`: the same connections as `db`, without the request-path timeout; `url`: where a
 * failure to open is reported (without its password); `replica`: opens the read pool, once the
 * primary is migrated (the replica receives the migrations from it).
 */
async function openOwned<U extends UserRecord>(
  db: Kysely<UserTables>,
  dialect: SqlDialect,
  fields: FieldDefinitions = {},
  { migrator = db, url, replica }: { migrator?: Kysely<UserTables>; url?: string; replica?: (() => Promise<Kysely<UserTables>>) | undefined } = {},
): Promise<KyselyUserStore<U>> {
  try {
    await migrate(migrator, dialect, { fields })
  } catch (error) {
    await db.destroy()
    if (url === undefined || dialect === 'sqlite') throw error
    // The pool guards turn a refused connection into a 503 for requests; at start-up the
    // driver's own error says best what went wrong.
    const cause = error instanceof ServiceUnavailableError ? error.cause : error
    throw sqlStartupError(cause, dialect === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB', url) ?? error
  }
  let readDb: Kysely<UserTables> | null = null
  try {
    readDb = replica === undefined ? null : await replica()
  } catch (error) {
    await db.destroy()
    throw error
  }
  return buildStore(db, readDb, dialect, fields, async () => {
    await Promise.all([db.destroy(), readDb?.destroy()])
  })
}

function buildStore<U extends UserRecord>(
  db: Kysely<UserTables>,
  replica: Kysely<UserTables> | null,
  dialect: SqlDialect,
  fields: FieldDefinitions,
  destroy: () => Promise<void>,
): KyselyUserStore<U> {
  const any = db as AnyKysely
  return {
    users: new KyselyUserDatabase<U>(any, dialect, fields, replica === null ? {} : { replica: replica as AnyKysely }),
    accessTokens: new KyselyAccessTokenDatabase(any, dialect),
    db,
    replica,
    dialect,
    ping: async () => void (await sql`SELECT 1`.execute(db)),
    destroy,
  }
}
