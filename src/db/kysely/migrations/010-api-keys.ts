/**
 * Migration 10: API keys (see src/api-keys/), for `KyselyApiKeyStore`: one row per key, with
 * the SHA-256 of its secret (never the secret), its permissions as a JSON array, and its times
 * in Unix milliseconds in a BIGINT. Keys are found by `id` (the primary key) and listed by
 * `user_id` (indexed). No foreign key to `user`, as for refresh tokens: the row of a user
 * deleted elsewhere names nobody, and the strategy refuses it. Drizzle's
 * `sqliteApiKeyTable()`/`pgApiKeyTable()` declare the same table.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

export const API_KEY_TABLE = 'fastify_users_api_key'

/**
 * Creates the API key table and its user index where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createApiKeyTable(db, 'postgres')
 * ```
 */
export async function createApiKeyTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const text = dialect === 'mysql' ? ' CHARACTER SET utf8mb4' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${API_KEY_TABLE} (
	id VARCHAR(32)${bin} NOT NULL,
	user_id VARCHAR(64)${bin} NOT NULL,
	name VARCHAR(255)${text} NOT NULL,
	secret_hash VARCHAR(64)${bin} NOT NULL,
	permissions TEXT${bin} NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	last_used_at BIGINT,
	PRIMARY KEY (id)
)${tail}`).execute(db)
  const index = `ix_${API_KEY_TABLE}_user_id`
  if (!(await indexExists(db, dialect, API_KEY_TABLE, index))) {
    await sql.raw(`CREATE INDEX ${index} ON ${API_KEY_TABLE} (user_id)`).execute(db)
  }
}
