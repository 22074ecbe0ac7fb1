/**
 * The audit log's table for Drizzle, the same as the Kysely adapter's migration 11 creates:
 * `fastify_users_audit_event`, one row per security event, the time in Unix milliseconds,
 * `data` as JSON text, indexed for a user's trail (keyset pagination) and for the retention.
 * Add it to the schema, and `drizzle-kit generate` writes the migration from the current one.
 */
import { bigint, index as pgIndex, pgTable, text as pgText, varchar as pgVarchar } from 'drizzle-orm/pg-core'
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const AUDIT_TABLE_NAME = 'fastify_users_audit_event'

/**
 * @example
 * ```ts
 * export const auditEvent = sqliteAuditTable()
 * ```
 */
export function sqliteAuditTable() {
  return sqliteTable(AUDIT_TABLE_NAME, {
    id: text('id', { length: 36 }).primaryKey(),
    type: text('type', { length: 64 }).notNull(),
    user_id: text('user_id', { length: 64 }),
    actor_id: text('actor_id', { length: 64 }),
    occurred_at: integer('occurred_at').notNull(),
    ip: text('ip', { length: 64 }),
    user_agent: text('user_agent', { length: 512 }),
    data: text('data').notNull(),
  }, (table) => [
    index(`ix_${AUDIT_TABLE_NAME}_user`).on(table.user_id, table.occurred_at, table.id),
    index(`ix_${AUDIT_TABLE_NAME}_time`).on(table.occurred_at),
  ])
}

/**
 * @example
 * ```ts
 * export const auditEvent = pgAuditTable()
 * ```
 */
export function pgAuditTable() {
  return pgTable(AUDIT_TABLE_NAME, {
    id: pgVarchar('id', { length: 36 }).primaryKey(),
    type: pgVarchar('type', { length: 64 }).notNull(),
    user_id: pgVarchar('user_id', { length: 64 }),
    actor_id: pgVarchar('actor_id', { length: 64 }),
    occurred_at: bigint('occurred_at', { mode: 'number' }).notNull(),
    ip: pgVarchar('ip', { length: 64 }),
    user_agent: pgVarchar('user_agent', { length: 512 }),
    data: pgText('data').notNull(),
  }, (table) => [
    pgIndex(`ix_${AUDIT_TABLE_NAME}_user`).on(table.user_id, table.occurred_at, table.id),
    pgIndex(`ix_${AUDIT_TABLE_NAME}_time`).on(table.occurred_at),
  ])
}

/** An audit table as the helpers build it. */
export type AuditTable = ReturnType<typeof sqliteAuditTable> | ReturnType<typeof pgAuditTable>
