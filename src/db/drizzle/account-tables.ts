/**
 * The tables of two-factor, magic links and sessions for Drizzle, the same as the Kysely adapter's
 * migrations 7, 8 and 9 create: `fastify_users_two_factor` (one row per enrolled user, the
 * recovery codes a JSON array of keyed hashes), `fastify_users_magic_link` (used links) and
 * `fastify_users_session` (src/sessions/).
 * Add them to the schema, and `drizzle-kit generate` writes the migration from the current one.
 */
import { bigint, index as pgIndex, pgTable, text as pgText, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const TWO_FACTOR_TABLE_NAME = 'fastify_users_two_factor'

/**
 * @example
 * ```ts
 * export const twoFactor = sqliteTwoFactorTable()
 * ```
 */
export function sqliteTwoFactorTable() {
  return sqliteTable(TWO_FACTOR_TABLE_NAME, {
    user_id: text('user_id', { length: 64 }).primaryKey(),
    sealed_secret: text('sealed_secret', { length: 255 }).notNull(),
    enabled_at: integer('enabled_at'),
    last_step: integer('last_step').notNull(),
    generation: integer('generation').notNull(),
    recovery_codes: text('recovery_codes').notNull(),
  })
}

/**
 * @example
 * ```ts
 * export const twoFactor = pgTwoFactorTable()
 * ```
 */
export function pgTwoFactorTable() {
  return pgTable(TWO_FACTOR_TABLE_NAME, {
    user_id: pgVarchar('user_id', { length: 64 }).primaryKey(),
    sealed_secret: pgVarchar('sealed_secret', { length: 255 }).notNull(),
    enabled_at: bigint('enabled_at', { mode: 'number' }),
    last_step: bigint('last_step', { mode: 'number' }).notNull(),
    generation: bigint('generation', { mode: 'number' }).notNull(),
    recovery_codes: pgText('recovery_codes').notNull(),
  })
}

/** A two-factor table as the helpers build it. */
export type TwoFactorTable = ReturnType<typeof sqliteTwoFactorTable> | ReturnType<typeof pgTwoFactorTable>

export const MAGIC_LINK_TABLE_NAME = 'fastify_users_magic_link'

/**
 * The used magic links (the Kysely adapter's migration 8), for `DrizzleMagicLinkStore`.
 *
 * @example
 * ```ts
 * export const magicLink = sqliteMagicLinkTable()
 * ```
 */
export function sqliteMagicLinkTable() {
  return sqliteTable(MAGIC_LINK_TABLE_NAME, {
    link_id: text('link_id', { length: 64 }).primaryKey(),
    expires_at: integer('expires_at').notNull(),
  }, (table) => [index(`ix_${MAGIC_LINK_TABLE_NAME}_expires_at`).on(table.expires_at)])
}

/**
 * @example
 * ```ts
 * export const magicLink = pgMagicLinkTable()
 * ```
 */
export function pgMagicLinkTable() {
  return pgTable(MAGIC_LINK_TABLE_NAME, {
    link_id: pgVarchar('link_id', { length: 64 }).primaryKey(),
    expires_at: bigint('expires_at', { mode: 'number' }).notNull(),
  }, (table) => [pgIndex(`ix_${MAGIC_LINK_TABLE_NAME}_expires_at`).on(table.expires_at)])
}

/** A used-magic-link table as the helpers build it. */
export type MagicLinkTable = ReturnType<typeof sqliteMagicLinkTable> | ReturnType<typeof pgMagicLinkTable>

export const SESSION_TABLE_NAME = 'fastify_users_session'

/**
 * The sessions (the Kysely adapter's migration 9, docs/sessions.md), for `DrizzleSessionStore`.
 *
 * @example
 * ```ts
 * export const session = sqliteSessionTable()
 * ```
 */
export function sqliteSessionTable() {
  return sqliteTable(SESSION_TABLE_NAME, {
    id: text('id', { length: 43 }).primaryKey(),
    user_id: text('user_id', { length: 64 }).notNull(),
    backend: text('backend', { length: 100 }).notNull(),
    access_token_hash: text('access_token_hash', { length: 43 }).notNull(),
    access_token_key: text('access_token_key', { length: 255 }),
    family_id: text('family_id', { length: 43 }),
    created_at: integer('created_at').notNull(),
    last_used_at: integer('last_used_at').notNull(),
    expires_at: integer('expires_at'),
    user_agent: text('user_agent', { length: 512 }),
    client_address: text('client_address', { length: 64 }),
  }, (table) => [
    index(`ix_${SESSION_TABLE_NAME}_user_id`).on(table.user_id),
    index(`ix_${SESSION_TABLE_NAME}_access_token_hash`).on(table.access_token_hash),
    index(`ix_${SESSION_TABLE_NAME}_expires_at`).on(table.expires_at),
  ])
}

/**
 * @example
 * ```ts
 * export const session = pgSessionTable()
 * ```
 */
export function pgSessionTable() {
  return pgTable(SESSION_TABLE_NAME, {
    id: pgVarchar('id', { length: 43 }).primaryKey(),
    user_id: pgVarchar('user_id', { length: 64 }).notNull(),
    backend: pgVarchar('backend', { length: 100 }).notNull(),
    access_token_hash: pgVarchar('access_token_hash', { length: 43 }).notNull(),
    access_token_key: pgVarchar('access_token_key', { length: 255 }),
    family_id: pgVarchar('family_id', { length: 43 }),
    created_at: bigint('created_at', { mode: 'number' }).notNull(),
    last_used_at: bigint('last_used_at', { mode: 'number' }).notNull(),
    expires_at: bigint('expires_at', { mode: 'number' }),
    user_agent: pgVarchar('user_agent', { length: 512 }),
    client_address: pgVarchar('client_address', { length: 64 }),
  }, (table) => [
    pgIndex(`ix_${SESSION_TABLE_NAME}_user_id`).on(table.user_id),
    pgIndex(`ix_${SESSION_TABLE_NAME}_access_token_hash`).on(table.access_token_hash),
    pgIndex(`ix_${SESSION_TABLE_NAME}_expires_at`).on(table.expires_at),
  ])
}

/** A session table as the helpers build it. */
export type SessionTable = ReturnType<typeof sqliteSessionTable> | ReturnType<typeof pgSessionTable>
