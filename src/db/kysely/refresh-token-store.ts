/**
 * Refresh tokens in the SQL database the users live in (table `fastify_users_refresh_token`,
 * migrations 4 and 5 of the Kysely adapter), shared by every instance on that database.
 * `consume` is one conditional UPDATE, so two instances refreshing the same token at once
 * cannot both win, and `create` one INSERT that skips an existing token hash.
 */
import { MysqlAdapter, type Kysely } from 'kysely'
import type { FamilyMember, RefreshTokenRecord, RefreshTokenStore } from '../../refresh/store.ts'

export const REFRESH_TOKEN_TABLE = 'fastify_users_refresh_token'

export interface KyselyRefreshTokenStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 5 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const refresh = { store: new KyselyRefreshTokenStore({ db: store.db }), lifetimeSeconds: 30 * 86400 }
 */
export class KyselyRefreshTokenStore implements RefreshTokenStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>
  readonly #mysql: boolean

  constructor(options: KyselyRefreshTokenStoreOptions) {
    this.#db = options.db.withoutPlugins()
    this.#mysql = this.#db.getExecutor().adapter instanceof MysqlAdapter
  }

  async create(record: RefreshTokenRecord): Promise<boolean> {
    const insert = this.#db
      .insertInto(REFRESH_TOKEN_TABLE)
      .values({
        token_hash: record.tokenHash,
        family_id: record.familyId,
        user_id: record.userId,
        access_token_hash: record.accessTokenHash,
        access_token_key: record.accessTokenKey,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
        used_at: record.usedAt,
      })
    // `INSERT … ON CONFLICT DO NOTHING` on SQLite and PostgreSQL, `INSERT IGNORE` on MySQL.
    const result = await (this.#mysql ? insert.ignore() : insert.onConflict((oc) => oc.column('token_hash').doNothing())).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async find(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const row = await this.#db.selectFrom(REFRESH_TOKEN_TABLE).selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    if (row === undefined) return null
    return {
      tokenHash: String(row.token_hash),
      familyId: String(row.family_id),
      userId: String(row.user_id),
      accessTokenHash: String(row.access_token_hash),
      accessTokenKey: row.access_token_key == null ? null : String(row.access_token_key),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at == null ? null : Number(row.used_at),
    }
  }

  async consume(tokenHash: string, usedAt: number): Promise<boolean> {
    const result = await this.#db
      .updateTable(REFRESH_TOKEN_TABLE)
      .set({ used_at: usedAt })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async deleteFamily(familyId: string): Promise<FamilyMember[]> {
    const rows = await this.#db
      .selectFrom(REFRESH_TOKEN_TABLE)
      .select(['user_id', 'access_token_key'])
      .where('family_id', '=', familyId)
      .execute()
    await this.#db.deleteFrom(REFRESH_TOKEN_TABLE).where('family_id', '=', familyId).execute()
    return rows.map((row) => ({ userId: String(row.user_id), accessTokenKey: row.access_token_key == null ? null : String(row.access_token_key) }))
  }

  async deleteFamiliesOfAccessToken(accessTokenHash: string): Promise<void> {
    const families = await this.#familiesOf(accessTokenHash)
    if (families.length === 0) return
    await this.#db.deleteFrom(REFRESH_TOKEN_TABLE).where('family_id', 'in', families).execute()
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    // Two statements: MySQL refuses a DELETE whose subquery reads the same table.
    const kept = keepAccessTokenHash === undefined ? [] : await this.#familiesOf(keepAccessTokenHash)
    let query = this.#db.deleteFrom(REFRESH_TOKEN_TABLE).where('user_id', '=', userId)
    if (kept.length > 0) query = query.where('family_id', 'not in', kept)
    await query.execute()
  }

  async deleteExpired(now: number): Promise<void> {
    await this.#db.deleteFrom(REFRESH_TOKEN_TABLE).where('expires_at', '<=', now).execute()
  }

  async #familiesOf(accessTokenHash: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom(REFRESH_TOKEN_TABLE)
      .select('family_id')
      .distinct()
      .where('access_token_hash', '=', accessTokenHash)
      .execute()
    return rows.map((row) => String(row.family_id))
  }
}
