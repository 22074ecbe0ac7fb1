/**
 * Migration 13: passkeys (see src/passkeys/), for `KyselyPasskeyStore`. `fastify_users_passkey`
 * holds one row per credential: the credential id unique (base64url, at most 1364 characters;
 * ASCII on MySQL, so that its unique index fits InnoDB's 3072 bytes), the user's id indexed,
 * the COSE public key as bytes, the signature counter, the transports as a JSON array, the
 * label, and creation and last use in Unix seconds. `fastify_users_passkey_challenge` holds the
 * challenges answered, until they would have expired. No foreign key to `user`, as for the
 * two-factor rows: a deleted user's passkeys go with it through the manager. Drizzle's
 * `sqlitePasskeyTables()`/`pgPasskeyTables()` declare the same tables.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

export const PASSKEY_TABLE = 'fastify_users_passkey'
export const PASSKEY_CHALLENGE_TABLE = 'fastify_users_passkey_challenge'

/**
 * Creates the passkey tables and their indexes where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createPasskeyTables(db, 'postgres')
 * ```
 */
export async function createPasskeyTables(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const mysql = dialect === 'mysql'
  const bin = mysql ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const ascii = mysql ? ' CHARACTER SET ascii COLLATE ascii_bin' : ''
  const bytes = dialect === 'postgres' ? 'BYTEA' : 'BLOB'
  const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${PASSKEY_TABLE} (
	id VARCHAR(36)${ascii} NOT NULL,
	user_id VARCHAR(64)${bin} NOT NULL,
	credential_id VARCHAR(1364)${ascii} NOT NULL,
	public_key ${bytes} NOT NULL,
	counter BIGINT NOT NULL,
	transports VARCHAR(255)${bin} NOT NULL,
	device_type VARCHAR(16)${ascii} NOT NULL,
	backed_up SMALLINT NOT NULL,
	name VARCHAR(255)${bin} NOT NULL,
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	PRIMARY KEY (id)
)${tail}`).execute(db)
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${PASSKEY_CHALLENGE_TABLE} (
	challenge VARCHAR(64)${ascii} NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (challenge)
)${tail}`).execute(db)
  const indexes: Array<[string, string, string]> = [
    [PASSKEY_TABLE, `ux_${PASSKEY_TABLE}_credential_id`, 'UNIQUE INDEX'],
    [PASSKEY_TABLE, `ix_${PASSKEY_TABLE}_user_id`, 'INDEX'],
    [PASSKEY_CHALLENGE_TABLE, `ix_${PASSKEY_CHALLENGE_TABLE}_expires_at`, 'INDEX'],
  ]
  const columns: Record<string, string> = {
    [`ux_${PASSKEY_TABLE}_credential_id`]: 'credential_id',
    [`ix_${PASSKEY_TABLE}_user_id`]: 'user_id, created_at',
    [`ix_${PASSKEY_CHALLENGE_TABLE}_expires_at`]: 'expires_at',
  }
  for (const [table, index, kind] of indexes) {
    if (!(await indexExists(db, dialect, table, index))) await sql.raw(`CREATE ${kind} ${index} ON ${table} (${columns[index]})`).execute(db)
  }
}
