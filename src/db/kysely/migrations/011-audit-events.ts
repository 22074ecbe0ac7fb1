/**
 * Migration 11: the audit log (src/audit/), for `KyselyAuditStore`: one row per security event,
 * its `data` as JSON text, its time in Unix milliseconds (BIGINT). The index on (user_id,
 * occurred_at, id) serves a user's trail newest first, page after page (keyset pagination); the
 * one on occurred_at, the retention's deletes. No foreign key to `user`: a deleted user's trail
 * stays. Drizzle's `sqliteAuditTable()`/`pgAuditTable()` declare the same table.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

export const AUDIT_TABLE = 'fastify_users_audit_event'

/**
 * Creates the audit table and its indexes where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createAuditTable(db, 'sqlite')
 * ```
 */
export async function createAuditTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${AUDIT_TABLE} (
	id VARCHAR(36)${bin} NOT NULL,
	type VARCHAR(64)${bin} NOT NULL,
	user_id VARCHAR(64)${bin},
	actor_id VARCHAR(64)${bin},
	occurred_at BIGINT NOT NULL,
	ip VARCHAR(64)${bin},
	user_agent VARCHAR(512)${bin},
	data TEXT${bin} NOT NULL,
	PRIMARY KEY (id)
)${tail}`).execute(db)
  for (const [name, columns] of [[`ix_${AUDIT_TABLE}_user`, 'user_id, occurred_at, id'], [`ix_${AUDIT_TABLE}_time`, 'occurred_at']] as const) {
    if (!(await indexExists(db, dialect, AUDIT_TABLE, name))) await sql.raw(`CREATE INDEX ${name} ON ${AUDIT_TABLE} (${columns})`).execute(db)
  }
}
