/**
 * The passkey tables for Drizzle, the same as the Kysely adapter's migration 13 creates:
 * `fastify_users_passkey` (one row per credential, the credential id unique, the user's id
 * indexed, the COSE public key as bytes, transports as a JSON array, times in Unix seconds)
 * and `fastify_users_passkey_challenge` (the challenges answered). Add both to the schema,
 * and `drizzle-kit generate` writes the migration from the current one.
 */
import { bigint, customType, index as pgIndex, pgTable, smallint, uniqueIndex as pgUniqueIndex, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const PASSKEY_TABLE_NAME = 'fastify_users_passkey'
export const PASSKEY_CHALLENGE_TABLE_NAME = 'fastify_users_passkey_challenge'

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })

/**
 * @example
 * ```ts
 * export const { passkey, passkeyChallenge } = sqlitePasskeyTables()
 * ```
 */
export function sqlitePasskeyTables() {
  return {
    passkey: sqliteTable(PASSKEY_TABLE_NAME, {
      id: text('id', { length: 36 }).primaryKey(),
      user_id: text('user_id', { length: 64 }).notNull(),
      credential_id: text('credential_id', { length: 1364 }).notNull(),
      public_key: blob('public_key', { mode: 'buffer' }).notNull(),
      counter: integer('counter').notNull(),
      transports: text('transports', { length: 255 }).notNull(),
      device_type: text('device_type', { length: 16 }).notNull(),
      backed_up: integer('backed_up').notNull(),
      name: text('name', { length: 255 }).notNull(),
      created_at: integer('created_at').notNull(),
      last_used_at: integer('last_used_at'),
    }, (table) => [
      uniqueIndex(`ux_${PASSKEY_TABLE_NAME}_credential_id`).on(table.credential_id),
      index(`ix_${PASSKEY_TABLE_NAME}_user_id`).on(table.user_id, table.created_at),
    ]),
    passkeyChallenge: sqliteTable(PASSKEY_CHALLENGE_TABLE_NAME, {
      challenge: text('challenge', { length: 64 }).primaryKey(),
      expires_at: integer('expires_at').notNull(),
    }, (table) => [index(`ix_${PASSKEY_CHALLENGE_TABLE_NAME}_expires_at`).on(table.expires_at)]),
  }
}

/**
 * @example
 * ```ts
 * export const { passkey, passkeyChallenge } = pgPasskeyTables()
 * ```
 */
export function pgPasskeyTables() {
  return {
    passkey: pgTable(PASSKEY_TABLE_NAME, {
      id: pgVarchar('id', { length: 36 }).primaryKey(),
      user_id: pgVarchar('user_id', { length: 64 }).notNull(),
      credential_id: pgVarchar('credential_id', { length: 1364 }).notNull(),
      public_key: bytea('public_key').notNull(),
      counter: bigint('counter', { mode: 'number' }).notNull(),
      transports: pgVarchar('transports', { length: 255 }).notNull(),
      device_type: pgVarchar('device_type', { length: 16 }).notNull(),
      backed_up: smallint('backed_up').notNull(),
      name: pgVarchar('name', { length: 255 }).notNull(),
      created_at: bigint('created_at', { mode: 'number' }).notNull(),
      last_used_at: bigint('last_used_at', { mode: 'number' }),
    }, (table) => [
      pgUniqueIndex(`ux_${PASSKEY_TABLE_NAME}_credential_id`).on(table.credential_id),
      pgIndex(`ix_${PASSKEY_TABLE_NAME}_user_id`).on(table.user_id, table.created_at),
    ]),
    passkeyChallenge: pgTable(PASSKEY_CHALLENGE_TABLE_NAME, {
      challenge: pgVarchar('challenge', { length: 64 }).primaryKey(),
      expires_at: bigint('expires_at', { mode: 'number' }).notNull(),
    }, (table) => [pgIndex(`ix_${PASSKEY_CHALLENGE_TABLE_NAME}_expires_at`).on(table.expires_at)]),
  }
}

/** The passkey tables as the helpers build them. */
export type PasskeyTables = ReturnType<typeof sqlitePasskeyTables> | ReturnType<typeof pgPasskeyTables>
