/**
 * Migration 8: used magic links (see src/magic-link/), for `KyselyMagicLinkStore`: the id of
 * each link used, until it would have expired (Unix seconds), so that a link logs in once.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

export const MAGIC_LINK_TABLE = 'fastify_users_magic_link'

/**
 * Creates the used-link table and its expiry index where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createMagicLinkTable(db, 'mysql')
 * ```
 */
export async function createMagicLinkTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${MAGIC_LINK_TABLE} (
	link_id VARCHAR(64)${bin} NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (link_id)
)${tail}`).execute(db)
  const index = `ix_${MAGIC_LINK_TABLE}_expires_at`
  if (!(await indexExists(db, dialect, MAGIC_LINK_TABLE, index))) {
    await sql.raw(`CREATE INDEX ${index} ON ${MAGIC_LINK_TABLE} (expires_at)`).execute(db)
  }
}
