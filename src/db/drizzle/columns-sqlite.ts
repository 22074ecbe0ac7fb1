/**
 * FastAPI Users' tables (CONTRACT §16.2) as Drizzle declares them on SQLite. The column types
 * are the ones SQLAlchemy writes (CHAR(36), VARCHAR(320), BOOLEAN, TIMESTAMP), and values are
 * stored as FastAPI Users stores them: booleans as 0/1, `created_at` as UTC text
 * `YYYY-MM-DD HH:MM:SS.ffffff`. So a database that drizzle-kit creates from these helpers has
 * the layout of one that FastAPI Users (or fastify-users' Kysely adapter) creates, and the
 * three can share it. As in the Kysely adapter, the OAuth tokens are TEXT, `user_id` columns
 * are indexed, and `ux_user_email_ci` keeps emails unique across ASCII letter case. The role
 * table of the Kysely adapter's migration 14 is fastify-users' own, declared here for its
 * foreign key to `user`.
 */
import { sql } from 'drizzle-orm'
import { customType, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import type { AnySQLiteColumn, IndexBuilder } from 'drizzle-orm/sqlite-core'
import { formatSqlTimestamp, parseSqlTimestamp } from '../sql/timestamp.ts'
import { USER_ROLE_TABLE_NAME } from './tables.ts'

/** A UUID in CHAR(36), lower-case and hyphenated, as SQLAlchemy's `GUID` stores it. */
const uuidText = customType<{ data: string; driverData: string }>({
  dataType: () => 'CHAR(36)',
})

const varchar = customType<{ data: string; driverData: string; config: { length: number }; configRequired: true }>({
  dataType: (config) => `VARCHAR(${config.length})`,
})

/** SQLAlchemy's BOOLEAN on SQLite: 0/1 in a column of that declared type. */
const boolean = customType<{ data: boolean; driverData: number | bigint }>({
  dataType: () => 'BOOLEAN',
  toDriver: (value) => (value ? 1 : 0),
  fromDriver: (value) => Number(value) !== 0,
})

/**
 * SQLAlchemy's TIMESTAMP on SQLite: fixed-width UTC text, so that `created_at >= :cutoff`
 * compares strings in time order and tokens FastAPI Users issued keep working. Unreadable
 * text becomes an invalid Date, which the adapter treats as no token.
 */
const timestamp = customType<{ data: Date; driverData: string }>({
  dataType: () => 'TIMESTAMP',
  toDriver: (value) => formatSqlTimestamp(value),
  fromDriver: (value) => parseSqlTimestamp(value) ?? new Date(Number.NaN),
})

/**
 * The base columns of the `user` table, to spread into the application's own table. Declared
 * in the order FastAPI Users' DDL has them. The adapter generates ids, so none has a default.
 *
 * @example
 * ```ts
 * export const user = sqliteTable('user', { ...sqliteUserColumns(), first_name: text('first_name') }, sqliteUserIndexes)
 * ```
 */
export function sqliteUserColumns() {
  return {
    email: varchar('email', { length: 320 }).notNull(),
    hashed_password: varchar('hashed_password', { length: 1024 }).notNull(),
    is_active: boolean('is_active').notNull(),
    is_superuser: boolean('is_superuser').notNull(),
    is_verified: boolean('is_verified').notNull(),
    id: uuidText('id').primaryKey(),
    /** fastify-users' own: when the adapter created the user; null for users stored otherwise. */
    created_at: timestamp('created_at'),
    /** fastify-users' own: the user's roles, a JSON array of names; null for none. */
    roles: text('roles'),
    /** fastify-users' own: the user's ban, JSON; null for none. */
    ban: text('ban'),
    /** fastify-users' own (issue 16): the user's username; null for none. */
    username: varchar('username', { length: 255 }),
  }
}

/**
 * The indexes of the `user` table: FastAPI Users' unique `ix_user_email` (case-sensitive),
 * `ux_user_email_ci` on `lower(email)`, which SQLite computes by folding ASCII letters only,
 * `ix_user_created_at` for listing users by creation time, `ux_user_username_ci` on
 * `lower(username)` (NULLs distinct: any number of users without one), and for each of
 * `is_active`, `is_verified` and `is_superuser` the same two sort keys after the flag
 * (`ix_user_<flag>_email`, `ix_user_<flag>_created_at`, the Kysely adapter's migration 15), so
 * that a page of users filtered by a flag seeks to its value.
 *
 * @example
 * ```ts
 * export const user = sqliteTable('user', sqliteUserColumns(), sqliteUserIndexes)
 * ```
 */
export function sqliteUserIndexes(table: {
  email: AnySQLiteColumn
  id: AnySQLiteColumn
  created_at: AnySQLiteColumn
  username: AnySQLiteColumn
  is_active: AnySQLiteColumn
  is_verified: AnySQLiteColumn
  is_superuser: AnySQLiteColumn
}): IndexBuilder[] {
  return [
    uniqueIndex('ix_user_email').on(table.email),
    uniqueIndex('ux_user_email_ci').on(sql`lower(${table.email})`),
    index('ix_user_created_at').on(table.created_at, table.id),
    uniqueIndex('ux_user_username_ci').on(sql`lower(${table.username})`),
    ...(['is_active', 'is_verified', 'is_superuser'] as const).flatMap((flag) => [
      index(`ix_user_${flag}_email`).on(table[flag], sql`lower(${table.email})`),
      index(`ix_user_${flag}_created_at`).on(table[flag], table.created_at, table.id),
    ]),
  ]
}

/**
 * The `oauth_account` table, its rows deleted with their user.
 *
 * @example
 * ```ts
 * export const oauthAccount = sqliteOAuthAccountTable(user)
 * ```
 */
export function sqliteOAuthAccountTable(user: { id: AnySQLiteColumn }) {
  return sqliteTable(
    'oauth_account',
    {
      id: uuidText('id').primaryKey(),
      oauth_name: varchar('oauth_name', { length: 100 }).notNull(),
      access_token: text('access_token').notNull(),
      expires_at: integer('expires_at'),
      refresh_token: text('refresh_token'),
      account_id: varchar('account_id', { length: 320 }).notNull(),
      account_email: varchar('account_email', { length: 320 }).notNull(),
      user_id: uuidText('user_id')
        .notNull()
        .references(() => user.id, { onDelete: 'cascade' }),
    },
    (table) => [
      index('ix_oauth_account_oauth_name').on(table.oauth_name),
      index('ix_oauth_account_account_id').on(table.account_id),
      index('ix_oauth_account_user_id').on(table.user_id),
    ],
  )
}

/**
 * The `accesstoken` table of the database strategy, its rows deleted with their user.
 *
 * @example
 * ```ts
 * export const accessToken = sqliteAccessTokenTable(user)
 * ```
 */
export function sqliteAccessTokenTable(user: { id: AnySQLiteColumn }) {
  return sqliteTable(
    'accesstoken',
    {
      token: varchar('token', { length: 43 }).primaryKey(),
      created_at: timestamp('created_at').notNull(),
      user_id: uuidText('user_id')
        .notNull()
        .references(() => user.id, { onDelete: 'cascade' }),
    },
    (table) => [index('ix_accesstoken_created_at').on(table.created_at), index('ix_accesstoken_user_id').on(table.user_id)],
  )
}

/**
 * The role table (the Kysely adapter's migration 14): a row per user and role with copies of
 * the user's sort keys, so that listing one role's holders seeks on `(role, email_key)` or
 * `(role, created_at, user_id)`; `user.roles` stays what `getRoles` reads. Pass it as
 * `tables.userRole`, and the adapter keeps it in step with `setRoles`, email changes and
 * deletes. A database that already holds roles needs the table filled once, in the migration
 * that creates it (the example's migrations show the statement).
 *
 * @example
 * ```ts
 * export const userRole = sqliteUserRoleTable(user)
 * ```
 */
export function sqliteUserRoleTable(user: { id: AnySQLiteColumn }) {
  return sqliteTable(
    USER_ROLE_TABLE_NAME,
    {
      user_id: uuidText('user_id')
        .notNull()
        .references(() => user.id, { onDelete: 'cascade' }),
      role: varchar('role', { length: 255 }).notNull(),
      email_key: varchar('email_key', { length: 320 }).notNull(),
      created_at: timestamp('created_at'),
    },
    (table) => [
      primaryKey({ columns: [table.user_id, table.role] }),
      uniqueIndex(`ux_${USER_ROLE_TABLE_NAME}_email`).on(table.role, table.email_key),
      index(`ix_${USER_ROLE_TABLE_NAME}_created_at`).on(table.role, table.created_at, table.user_id),
    ],
  )
}
