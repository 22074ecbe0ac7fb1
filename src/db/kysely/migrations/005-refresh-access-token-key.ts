/**
 * Migration 5: each refresh-token row names the access token issued with it in the words of
 * the strategy that issued it (`access_token_key`: a JWT's denylist key, an opaque token's
 * SHA-256), so that a reused refresh token ends the access tokens of its family too, not only
 * its refresh tokens (see src/refresh/refresh-tokens.ts). Nullable: rows written before it have
 * none, and their family's reuse ends every access token of the user instead.
 */
import { sql } from 'kysely'
import { columnNames } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

const TABLE = 'fastify_users_refresh_token'

/**
 * Adds `access_token_key` where missing; safe to run again (MySQL commits DDL at once).
 *
 * @example
 * ```ts
 * await addRefreshAccessTokenKey(db, 'postgres')
 * ```
 */
export async function addRefreshAccessTokenKey(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  if ((await columnNames(db, dialect, TABLE)).has('access_token_key')) return
  const bin = dialect === 'mysql' ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''
  await sql.raw(`ALTER TABLE ${TABLE} ADD COLUMN access_token_key VARCHAR(80)${bin}`).execute(db)
}
