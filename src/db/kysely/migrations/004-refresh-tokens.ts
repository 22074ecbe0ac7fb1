/**
 * Migration 4: refresh tokens (see src/refresh/), for `KyselyRefreshTokenStore`. Only SHA-256
 * hashes of tokens are stored (43 base64url characters), never a token. A row stays after
 * its token was used, until it expires, so that a second use is recognised as a reuse; the
 * access-token hash ties a family to the access tokens issued with it, for logout. Times are
 * Unix seconds in a BIGINT. No foreign key to `user`: deleting a user revokes its refresh
 * tokens through the user manager, and a row of a user deleted elsewhere finds no user.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

const TABLE = 'fastify_users_refresh_token'

const INDEXES = ['family_id', 'user_id', 'access_token_hash', 'expires_at']

/**
 * Creates the refresh-token table and its indexes where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createRefreshTokenTable(db, 'sqlite')
 * ```
 */
export async function createRefreshTokenTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  await run(`CREATE TABLE IF NOT EXISTS ${TABLE} (
	token_hash VARCHAR(43)${bin} NOT NULL,
	family_id VARCHAR(43)${bin} NOT NULL,
	user_id VARCHAR(64)${bin} NOT NULL,
	access_token_hash VARCHAR(43)${bin} NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT,
	PRIMARY KEY (token_hash)
)${tail}`)
  for (const column of INDEXES) {
    const index = `ix_${TABLE}_${column}`
    if (!(await indexExists(db, dialect, TABLE, index))) await run(`CREATE INDEX ${index} ON ${TABLE} (${column})`)
  }
}
