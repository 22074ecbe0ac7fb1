/**
 * The two-factor table for Drizzle, the same `fastify_users_two_factor` as the Kysely adapter's
 * migration 7 (one row per enrolled user, the recovery codes a JSON array of keyed hashes), so
 * that `drizzle-kit generate` makes the migration from the application's current schema.
 */
import { bigint, pgTable, text as pgText, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

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
