/**
 * The API key table for Drizzle, the same as the Kysely adapter's migration 10 creates:
 * `fastify_users_api_key`, one row per key with the SHA-256 of its secret, its permissions as a
 * JSON array and its times in Unix milliseconds, indexed by user. Add it to the schema, and
 * `drizzle-kit generate` writes the migration from the current one.
 */
import { bigint, index as pgIndex, pgTable, text as pgText, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const API_KEY_TABLE_NAME = 'fastify_users_api_key'

/**
 * @example
 * ```ts
 * export const apiKey = sqliteApiKeyTable()
 * ```
 */
export function sqliteApiKeyTable() {
  return sqliteTable(API_KEY_TABLE_NAME, {
    id: text('id', { length: 32 }).primaryKey(),
    user_id: text('user_id', { length: 64 }).notNull(),
    name: text('name', { length: 255 }).notNull(),
    secret_hash: text('secret_hash', { length: 64 }).notNull(),
    permissions: text('permissions').notNull(),
    created_at: integer('created_at').notNull(),
    expires_at: integer('expires_at').notNull(),
    last_used_at: integer('last_used_at'),
  }, (table) => [index(`ix_${API_KEY_TABLE_NAME}_user_id`).on(table.user_id)])
}

/**
 * @example
 * ```ts
 * export const apiKey = pgApiKeyTable()
 * ```
 */
export function pgApiKeyTable() {
  return pgTable(API_KEY_TABLE_NAME, {
    id: pgVarchar('id', { length: 32 }).primaryKey(),
    user_id: pgVarchar('user_id', { length: 64 }).notNull(),
    name: pgVarchar('name', { length: 255 }).notNull(),
    secret_hash: pgVarchar('secret_hash', { length: 64 }).notNull(),
    permissions: pgText('permissions').notNull(),
    created_at: bigint('created_at', { mode: 'number' }).notNull(),
    expires_at: bigint('expires_at', { mode: 'number' }).notNull(),
    last_used_at: bigint('last_used_at', { mode: 'number' }),
  }, (table) => [pgIndex(`ix_${API_KEY_TABLE_NAME}_user_id`).on(table.user_id)])
}

/** An API key table as the helpers build it. */
export type ApiKeyTable = ReturnType<typeof sqliteApiKeyTable> | ReturnType<typeof pgApiKeyTable>
