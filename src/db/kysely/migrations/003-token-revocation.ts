/**
 * Migration 3: the revocation state of stateless access tokens (see src/revocation/store.ts),
 * for `KyselyRevocationStore`. Tables of fastify-users' own, beside FastAPI Users' (which stay
 * as they are): a per-user token generation and a denylist of logged-out tokens. Times are
 * Unix seconds in a BIGINT, the same on every database; keys compare byte for byte (a binary
 * collation on MySQL). No foreign key to `user`: a generation outlives nothing it needs to,
 * and the store serves any user id.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

/**
 * Creates the generation and denylist tables where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createRevocationTables(db, 'postgres')
 * ```
 */
export async function createRevocationTables(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  await run(`CREATE TABLE IF NOT EXISTS fastify_users_token_generation (
	user_id VARCHAR(64)${bin} NOT NULL,
	generation BIGINT NOT NULL,
	kept VARCHAR(80)${bin},
	PRIMARY KEY (user_id)
)${tail}`)
  await run(`CREATE TABLE IF NOT EXISTS fastify_users_token_denylist (
	token_key VARCHAR(80)${bin} NOT NULL,
	expires_at BIGINT,
	PRIMARY KEY (token_key)
)${tail}`)
  if (!(await indexExists(db, dialect, 'fastify_users_token_denylist', 'ix_fastify_users_token_denylist_expires_at'))) {
    await run('CREATE INDEX ix_fastify_users_token_denylist_expires_at ON fastify_users_token_denylist (expires_at)')
  }
}
