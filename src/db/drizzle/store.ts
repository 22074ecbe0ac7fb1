/**
 * The Drizzle adapter's entry point: the application brings its Drizzle database and the tables
 * it declared with the column helpers (and created with drizzle-kit's migrations), and gets
 * the core's two databases over them. The adapter never creates or alters a table: the schema
 * belongs to the application's migrations.
 */
import { getTableColumns } from 'drizzle-orm'
import type { InferSelectModel, Table } from 'drizzle-orm'
import type { UserRecord } from '../../user.ts'
import type { AccessTokenDatabase } from '../types.ts'
import { DrizzleAccessTokenDatabase } from './access-token-database.ts'
import { checkTable, dialectOf } from './dialect.ts'
import type { Dialect, DrizzleDatabase, QueryBuilder } from './dialect.ts'
import { DrizzleSchemaError } from './errors.ts'
import { ACCESS_TOKEN_KEYS, OAUTH_ACCOUNT_KEYS, USER_ROLE_KEYS } from './tables.ts'
import type { AccessTokenTable, BaseUserKey, DrizzleUserTables, UserTable } from './tables.ts'
import { DrizzleUserDatabase } from './user-database.ts'

export interface DrizzleStoreOptions<T extends DrizzleUserTables> {
  /** A Drizzle database on SQLite or PostgreSQL, which the application keeps and closes. */
  db: DrizzleDatabase
  tables: T
}

/** A user record with the application's own columns typed as Drizzle reads them. */
export type DrizzleUser<T extends UserTable> = UserRecord & Omit<InferSelectModel<T>, BaseUserKey>

/** What `drizzleUserDatabase` returns; `accessTokens` is `null` without `tables.accessToken`. */
export interface DrizzleUserStore<T extends DrizzleUserTables> {
  users: DrizzleUserDatabase<DrizzleUser<T['user']>>
  accessTokens: T extends { accessToken: AccessTokenTable } ? AccessTokenDatabase : null
}

/**
 * The users system's databases over the application's Drizzle tables. Throws a
 * `DrizzleSchemaError` when a table lacks a column the adapter needs or is declared for
 * another database.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { drizzle } from 'drizzle-orm/better-sqlite3'
 * import { sqliteTable, text } from 'drizzle-orm/sqlite-core'
 * import { drizzleUserDatabase, sqliteAccessTokenTable, sqliteUserColumns, sqliteUserIndexes } from 'fastify-users/drizzle'
 *
 * const user = sqliteTable('user', { ...sqliteUserColumns(), first_name: text('first_name') }, sqliteUserIndexes)
 * const accessToken = sqliteAccessTokenTable(user)
 * const { users, accessTokens } = drizzleUserDatabase({ db: drizzle(new Database('users.db')), tables: { user, accessToken } })
 * ```
 */
export function drizzleUserDatabase<T extends DrizzleUserTables>(options: DrizzleStoreOptions<T>): DrizzleUserStore<T> {
  const dialect = dialectOf(options.db)
  const { user, oauthAccount, accessToken, userRole } = options.tables
  checkTable(user, 'user', dialect)
  if (oauthAccount !== undefined) checkTableColumns(oauthAccount, 'oauthAccount', OAUTH_ACCOUNT_KEYS, dialect)
  if (accessToken !== undefined) checkTableColumns(accessToken, 'accessToken', ACCESS_TOKEN_KEYS, dialect)
  if (userRole !== undefined) checkTableColumns(userRole, 'userRole', USER_ROLE_KEYS, dialect)
  // Both dialects' builders have the methods QueryBuilder names; their own types differ.
  const db = options.db as unknown as QueryBuilder
  return {
    users: new DrizzleUserDatabase(db, dialect, options.tables),
    accessTokens: (accessToken === undefined ? null : new DrizzleAccessTokenDatabase(db, accessToken)) as DrizzleUserStore<T>['accessTokens'],
  }
}

function checkTableColumns(table: Table, role: string, keys: readonly string[], dialect: Dialect): void {
  checkTable(table, role, dialect)
  const columns = getTableColumns(table)
  const missing = keys.filter((key) => !(key in columns))
  if (missing.length > 0) {
    throw new DrizzleSchemaError(`tables.${role} lacks the columns ${missing.join(', ')}: build it with the table helper`)
  }
}
