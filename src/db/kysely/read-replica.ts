/**
 * The optional read pool of a PostgreSQL or MySQL/MariaDB store: connections to a read replica
 * (a streaming standby, a replica of MariaDB's replication) for the reads that tolerate lag.
 *
 * The split is explicit, never guessed from the SQL: only the methods that say so in
 * `UserDatabase` and `UserListing` (`getForDisplay`, `listUsers`) read from the replica; every
 * other read of the store, and every store beside it (revocations, tokens, refresh tokens), reads
 * the primary. So nothing that decides authentication (the user and revocation lookups of the
 * request path, token checks, logins, refreshes) and nothing that follows a write can see a
 * replica that lags: a logout, a deactivation or a password reset cannot be undone by it.
 *
 * The replica gets the primary's request-path timeout and outage handling (pool-guards.ts): a
 * replica that is down answers its reads 503, and the rest of the service goes on.
 */
import { Kysely, MysqlDialect, PostgresDialect, sql } from 'kysely'
import { importOptional } from '../../optional-dependency.ts'
import { ServiceUnavailableError } from '../../errors.ts'
import { DatabaseStartupError, sqlStartupError } from '../startup-error.ts'
import { guardedMysqlPool, guardedPostgresPool, listenMysqlErrors, listenPostgresErrors } from './pool-guards.ts'
import type { MysqlPoolSettings, PostgresPoolSettings } from './pool-settings.ts'
import type { UserTables } from './schema.ts'

/**
 * Opens the read pool of a PostgreSQL replica and checks that it answers, so that a wrong
 * replica URL stops the start-up in one line rather than failing the first list.
 *
 * @example
 * ```ts
 * const replica = await openPostgresReplica('postgres://app@replica/users', {}, 1000)
 * ```
 */
export async function openPostgresReplica(
  connectionString: string,
  settings: PostgresPoolSettings | undefined,
  timeoutMs: number | null,
): Promise<Kysely<UserTables>> {
  const { Pool } = await importOptional('pg', 'The PostgreSQL adapter', () => import('pg'))
  const pool = new Pool({ connectionTimeoutMillis: timeoutMs ?? 0, ...settings, connectionString })
  listenPostgresErrors(pool)
  const db = new Kysely<UserTables>({ dialect: new PostgresDialect({ pool: guardedPostgresPool(pool, timeoutMs) }) })
  return checked(db, 'PostgreSQL', connectionString)
}

/**
 * Opens the read pool of a MySQL/MariaDB replica and checks that it answers.
 *
 * @example
 * ```ts
 * const replica = await openMysqlReplica('mysql://app@replica:3306/users', {}, 1000)
 * ```
 */
export async function openMysqlReplica(
  uri: string,
  settings: MysqlPoolSettings | undefined,
  timeoutMs: number | null,
): Promise<Kysely<UserTables>> {
  const { createPool } = await importOptional('mysql2', 'The MySQL/MariaDB adapter', () => import('mysql2'))
  const pool = createPool({ ...(timeoutMs === null ? {} : { connectTimeout: timeoutMs }), ...settings, uri })
  listenMysqlErrors(pool)
  const db = new Kysely<UserTables>({ dialect: new MysqlDialect({ pool: guardedMysqlPool(pool, timeoutMs) }) })
  return checked(db, 'MySQL/MariaDB', uri)
}

async function checked(db: Kysely<UserTables>, product: 'PostgreSQL' | 'MySQL/MariaDB', url: string): Promise<Kysely<UserTables>> {
  try {
    await sql`SELECT 1`.execute(db)
    return db
  } catch (error) {
    await db.destroy()
    const cause = error instanceof ServiceUnavailableError ? error.cause : error
    const explained = sqlStartupError(cause, product, url)
    if (explained === null) throw error
    throw new DatabaseStartupError(`read replica: ${explained.message}`, { cause })
  }
}
