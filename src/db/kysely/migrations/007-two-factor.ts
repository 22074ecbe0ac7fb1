/**
 * Migration 7: two-factor (see src/two-factor/), for `KyselyTwoFactorStore`: one row per user
 * who enrolled, with the TOTP secret sealed (AES-256-GCM, never in clear), the counters that
 * make codes and challenges single-use, and the recovery codes as a JSON array of keyed hashes
 * (src/two-factor/recovery-code-list.ts). Times are Unix seconds in a BIGINT. No foreign key to
 * `user`, as for refresh tokens: the row of a user deleted elsewhere is never reached. Drizzle's
 * `sqliteTwoFactorTable()`/`pgTwoFactorTable()` declare the same table.
 */
import { sql } from 'kysely'
import type { AnyKysely, SqlDialect } from '../schema.ts'

export const TWO_FACTOR_TABLE = 'fastify_users_two_factor'

/**
 * Creates the two-factor table where missing; safe to run again.
 *
 * @example
 * ```ts
 * await createTwoFactorTable(db, 'postgres')
 * ```
 */
export async function createTwoFactorTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${TWO_FACTOR_TABLE} (
	user_id VARCHAR(64)${bin} NOT NULL,
	sealed_secret VARCHAR(255)${bin} NOT NULL,
	enabled_at BIGINT,
	last_step BIGINT NOT NULL,
	generation BIGINT NOT NULL,
	recovery_codes TEXT${bin} NOT NULL,
	PRIMARY KEY (user_id)
)${tail}`).execute(db)
}
