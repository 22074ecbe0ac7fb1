/**
 * Migration 9: sessions (issue 15, src/sessions/, docs/sessions.md), for `KyselySessionStore`:
 * one row per session a login started, holding no token: the SHA-256 of the access token it
 * issued last, that token's key in its strategy's words, the refresh family, the `User-Agent`
 * and client address of the login, and when it was created, last used and expires (Unix
 * seconds in a BIGINT). No foreign key to `user`, as for refresh tokens: deleting a user ends
 * its sessions through the user manager.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

export const SESSION_TABLE = 'fastify_users_session'

const INDEXES = ['user_id', 'access_token_hash', 'expires_at']

/**
 * Creates the session table and its indexes where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createSessionTable(db, 'postgres')
 * ```
 */
export async function createSessionTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const text = dialect === 'mysql' ? ' CHARACTER SET utf8mb4' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  await run(`CREATE TABLE IF NOT EXISTS ${SESSION_TABLE} (
	id VARCHAR(43)${bin} NOT NULL,
	user_id VARCHAR(64)${bin} NOT NULL,
	backend VARCHAR(100)${bin} NOT NULL,
	access_token_hash VARCHAR(43)${bin} NOT NULL,
	access_token_key VARCHAR(255)${bin},
	family_id VARCHAR(43)${bin},
	created_at BIGINT NOT NULL,
	last_used_at BIGINT NOT NULL,
	expires_at BIGINT,
	user_agent VARCHAR(512)${text},
	client_address VARCHAR(64)${bin},
	PRIMARY KEY (id)
)${tail}`)
  for (const column of INDEXES) {
    const index = `ix_${SESSION_TABLE}_${column}`
    if (!(await indexExists(db, dialect, SESSION_TABLE, index))) await run(`CREATE INDEX ${index} ON ${SESSION_TABLE} (${column})`)
  }
}
