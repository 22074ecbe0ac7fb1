/**
 * FastAPI Users' tables (CONTRACT §16.2) as Drizzle declares them on PostgreSQL, with the
 * types SQLAlchemy gives them (native UUID, VARCHAR, BOOLEAN, TIMESTAMP WITH TIME ZONE), so a
 * database drizzle-kit creates from these helpers can be shared with FastAPI Users or with
 * fastify-users' Kysely adapter. As there, the OAuth tokens are TEXT, `user_id` columns are
 * indexed, and `ux_user_email_ci` keeps emails unique across letter case: it indexes
 * `lower(email COLLATE "C")`, because under the C collation lower() folds ASCII letters only,
 * whatever the database's locale, which is the folding every fastify-users database uses. The
 * role table of the Kysely adapter's migration 14 is fastify-users' own, declared here for its
 * foreign key to `user`.
 */
import { sql } from 'drizzle-orm'
import { boolean, customType, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core'
import type { AnyPgColumn, ExtraConfigColumn, IndexBuilder } from 'drizzle-orm/pg-core'
import { USER_ROLE_TABLE_NAME } from './tables.ts'

/**
 * The base columns of the `user` table, to spread into the application's own table. Declared
 * in the order FastAPI Users' DDL has them. The adapter generates ids, so none has a default.
 *
 * @example
 * ```ts
 * export const user = pgTable('user', { ...pgUserColumns(), first_name: text('first_name') }, pgUserIndexes)
 * ```
 */
export function pgUserColumns() {
  return {
    email: varchar('email', { length: 320 }).notNull(),
    hashed_password: varchar('hashed_password', { length: 1024 }).notNull(),
    is_active: boolean('is_active').notNull(),
    is_superuser: boolean('is_superuser').notNull(),
    is_verified: boolean('is_verified').notNull(),
    id: uuid('id').primaryKey(),
    /** fastify-users' own: when the adapter created the user; null for users stored otherwise. */
    created_at: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }),
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
 * `ux_user_email_ci` on the ASCII-folded email, `ix_user_created_at` for listing users by
 * creation time (unknown times first, as on the other databases), `ux_user_username_ci` on
 * the ASCII-folded username (NULLs distinct: any number of users without one), and for each of
 * `is_active`, `is_verified` and `is_superuser` the same two sort keys after the flag
 * (`ix_user_<flag>_email`, `ix_user_<flag>_created_at`, the Kysely adapter's migration 15), so
 * that a page of users filtered by a flag seeks to its value.
 *
 * @example
 * ```ts
 * export const user = pgTable('user', pgUserColumns(), pgUserIndexes)
 * ```
 */
export function pgUserIndexes(table: {
  email: AnyPgColumn
  id: AnyPgColumn
  created_at: ExtraConfigColumn
  username: AnyPgColumn
  is_active: AnyPgColumn
  is_verified: AnyPgColumn
  is_superuser: AnyPgColumn
}): IndexBuilder[] {
  return [
    uniqueIndex('ix_user_email').on(table.email),
    uniqueIndex('ux_user_email_ci').on(sql`lower(${table.email} COLLATE "C")`),
    index('ix_user_created_at').on(table.created_at.asc().nullsFirst(), table.id),
    uniqueIndex('ux_user_username_ci').on(sql`lower(${table.username} COLLATE "C")`),
    ...(['is_active', 'is_verified', 'is_superuser'] as const).flatMap((flag) => [
      index(`ix_user_${flag}_email`).on(table[flag], sql`lower(${table.email} COLLATE "C")`),
      index(`ix_user_${flag}_created_at`).on(table[flag], table.created_at.asc().nullsFirst(), table.id),
    ]),
  ]
}

/**
 * The `oauth_account` table, its rows deleted with their user.
 *
 * @example
 * ```ts
 * export const oauthAccount = pgOAuthAccountTable(user)
 * ```
 */
export function pgOAuthAccountTable(user: { id: AnyPgColumn }) {
  return pgTable(
    'oauth_account',
    {
      id: uuid('id').primaryKey(),
      oauth_name: varchar('oauth_name', { length: 100 }).notNull(),
      access_token: text('access_token').notNull(),
      expires_at: integer('expires_at'),
      refresh_token: text('refresh_token'),
      account_id: varchar('account_id', { length: 320 }).notNull(),
      account_email: varchar('account_email', { length: 320 }).notNull(),
      user_id: uuid('user_id')
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
 * export const accessToken = pgAccessTokenTable(user)
 * ```
 */
export function pgAccessTokenTable(user: { id: AnyPgColumn }) {
  return pgTable(
    'accesstoken',
    {
      token: varchar('token', { length: 43 }).primaryKey(),
      created_at: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
      user_id: uuid('user_id')
        .notNull()
        .references(() => user.id, { onDelete: 'cascade' }),
    },
    (table) => [index('ix_accesstoken_created_at').on(table.created_at), index('ix_accesstoken_user_id').on(table.user_id)],
  )
}

/** The folded email as `ux_user_email_ci` compares it: under the C collation, byte by byte. */
const byteKey = customType<{ data: string; driverData: string }>({
  dataType: () => 'varchar(320) COLLATE "C"',
})

/**
 * The role table (the Kysely adapter's migration 14): a row per user and role with copies of
 * the user's sort keys, so that listing one role's holders seeks on `(role, email_key)` or
 * `(role, created_at, user_id)`, unknown creation times first as in `ix_user_created_at`;
 * `user.roles` stays what `getRoles` reads. Pass it as `tables.userRole`, and the adapter keeps
 * it in step with `setRoles`, email changes and deletes. A database that already holds roles
 * needs the table filled once, in the migration that creates it (the example's migrations show
 * the statement).
 *
 * @example
 * ```ts
 * export const userRole = pgUserRoleTable(user)
 * ```
 */
export function pgUserRoleTable(user: { id: AnyPgColumn }) {
  return pgTable(
    USER_ROLE_TABLE_NAME,
    {
      user_id: uuid('user_id')
        .notNull()
        .references(() => user.id, { onDelete: 'cascade' }),
      role: varchar('role', { length: 255 }).notNull(),
      email_key: byteKey('email_key').notNull(),
      created_at: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }),
    },
    (table) => [
      primaryKey({ name: `${USER_ROLE_TABLE_NAME}_pkey`, columns: [table.user_id, table.role] }),
      uniqueIndex(`ux_${USER_ROLE_TABLE_NAME}_email`).on(table.role, table.email_key),
      index(`ix_${USER_ROLE_TABLE_NAME}_created_at`).on(table.role, table.created_at.asc().nullsFirst(), table.user_id),
    ],
  )
}
