/**
 * The migration runner. Versions are recorded in `fastify_users_migrations`, and every run
 * holds a lock so that several processes starting at once migrate one after the other:
 *
 * - SQLite: `BEGIN IMMEDIATE` takes the database's write lock; the DDL is transactional, so
 *   a refused migration leaves the file as it was.
 * - PostgreSQL: one transaction (DDL is transactional) holding an advisory lock keyed by the
 *   schema, so that tenants in separate schemas do not wait on each other.
 * - MySQL/MariaDB: `GET_LOCK` on the connection running the migrations. DDL commits at once
 *   there, so each migration is written to be run again after a failure.
 *
 * Kysely's Migrator is not used because it decides whether its table exists by listing every
 * schema, which goes wrong when several PostgreSQL schemas hold the users tables.
 */
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { validateFields } from '../fields.ts'
import type { FieldDefinitions } from '../fields.ts'
import { addCustomColumns } from './custom-columns.ts'
import { MigrationLockError } from './errors.ts'
import { SQL_FIELD_NAMING } from './fields.ts'
import { createTables } from './migrations/001-tables.ts'
import { addCaseInsensitiveEmailIndex } from './migrations/002-email-unique-ci.ts'
import { createRevocationTables } from './migrations/003-token-revocation.ts'
import { createRefreshTokenTable } from './migrations/004-refresh-tokens.ts'
import { addRefreshAccessTokenKey } from './migrations/005-refresh-access-token-key.ts'
import { addUserAdministration } from './migrations/006-user-administration.ts'
import { createTwoFactorTable } from './migrations/007-two-factor.ts'
import { createMagicLinkTable } from './migrations/008-magic-links.ts'
import { createSessionTable } from './migrations/009-sessions.ts'
import { createApiKeyTable } from './migrations/010-api-keys.ts'
import { createAuditTable } from './migrations/011-audit-events.ts'
import { addUsername } from './migrations/012-username.ts'
import { createPasskeyTables } from './migrations/013-passkeys.ts'
import { createUserRoleTable } from './migrations/014-user-roles.ts'
import { addUserFlagIndexes } from './migrations/015-user-flag-indexes.ts'
import { MIGRATIONS_TABLE } from './schema.ts'
import type { AnyKysely, SqlDialect } from './schema.ts'

interface Migration {
  version: number
  name: string
  up(db: AnyKysely, dialect: SqlDialect): Promise<void>
}

/** In order; a version, once released, never changes meaning. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'fastapi_users_tables', up: createTables },
  { version: 2, name: 'email_unique_case_insensitive', up: addCaseInsensitiveEmailIndex },
  { version: 3, name: 'token_revocation', up: createRevocationTables },
  { version: 4, name: 'refresh_tokens', up: createRefreshTokenTable },
  { version: 5, name: 'refresh_access_token_key', up: addRefreshAccessTokenKey },
  { version: 6, name: 'user_administration', up: addUserAdministration },
  { version: 7, name: 'two_factor', up: createTwoFactorTable },
  { version: 8, name: 'magic_links', up: createMagicLinkTable },
  { version: 9, name: 'sessions', up: createSessionTable },
  { version: 10, name: 'api_keys', up: createApiKeyTable },
  { version: 11, name: 'audit_events', up: createAuditTable },
  { version: 12, name: 'username', up: addUsername },
  { version: 13, name: 'passkeys', up: createPasskeyTables },
  { version: 14, name: 'user_roles', up: createUserRoleTable },
  { version: 15, name: 'user_flag_indexes', up: addUserFlagIndexes },
]

const LOCK_TIMEOUT_SECONDS = 60

export interface MigrateOptions {
  /** Custom user columns to add when missing. */
  fields?: FieldDefinitions
}

/**
 * Brings a database up to the layout this library needs: creates FastAPI Users' tables where
 * missing, adds the case-insensitive email index and the application's custom columns. Safe
 * to run on every start, from several processes at once. The store factories call it; call it
 * yourself when you open stores with `kyselyUserDatabase({ ..., migrate: false })`.
 *
 * @throws EmailCaseCollisionError when existing emails differ only in letter case.
 * @example
 * ```ts
 * import { Kysely, SqliteDialect } from 'kysely'
 * import Database from 'better-sqlite3'
 * import { migrate } from 'fastify-users/kysely'
 *
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database('users.db') }) })
 * await migrate(db, 'sqlite', { fields: { nickname: { type: 'text' } } })
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrate(db: Kysely<any>, dialect: SqlDialect, options: MigrateOptions = {}): Promise<void> {
  const fields = options.fields ?? {}
  validateFields(fields, SQL_FIELD_NAMING)
  await withMigrationLock(db.withoutPlugins(), dialect, async (conn) => {
    await sql
      .raw(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER NOT NULL PRIMARY KEY, ` +
          `name VARCHAR(100) NOT NULL, applied_at VARCHAR(32) NOT NULL)`,
      )
      .execute(conn)
    const rows = await conn.selectFrom(MIGRATIONS_TABLE).select('version').execute()
    const applied = new Set(rows.map((row) => Number(row.version)))
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue
      await migration.up(conn, dialect)
      await conn
        .insertInto(MIGRATIONS_TABLE)
        .values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() })
        .execute()
    }
    await addCustomColumns(conn, dialect, fields)
  })
}

async function withMigrationLock(
  db: AnyKysely,
  dialect: SqlDialect,
  run: (conn: AnyKysely) => Promise<void>,
): Promise<void> {
  switch (dialect) {
    case 'sqlite':
      await db.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn)
        try {
          await run(conn)
        } catch (error) {
          await sql`ROLLBACK`.execute(conn)
          throw error
        }
        await sql`COMMIT`.execute(conn)
      })
      return
    case 'postgres':
      await db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext(${MIGRATIONS_TABLE} || ':' || coalesce(current_schema(), '')))`.execute(
          trx,
        )
        await run(trx)
      })
      return
    case 'mysql':
      await db.connection().execute(async (conn) => {
        // Lock names are limited to 64 characters, database names too: hash the name.
        const name = sql`CONCAT('fastify_users:', SHA1(COALESCE(DATABASE(), '')))`
        const { rows } = await sql<{ locked: unknown }>`SELECT GET_LOCK(${name}, ${LOCK_TIMEOUT_SECONDS}) AS locked`.execute(
          conn,
        )
        if (Number(rows[0]?.locked) !== 1) throw new MigrationLockError(LOCK_TIMEOUT_SECONDS)
        try {
          await run(conn)
        } finally {
          await sql`SELECT RELEASE_LOCK(${name})`.execute(conn)
        }
      })
      return
  }
}
