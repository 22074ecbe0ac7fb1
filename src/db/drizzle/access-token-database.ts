/**
 * `AccessTokenDatabase` over the `accesstoken` table of the database strategy. The table's
 * `created_at` column converts instants both ways (on SQLite, to FastAPI Users' fixed-width
 * text), so the age filter is a plain `created_at >= :cutoff` on the indexed column.
 */
import { and, eq, gte } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { parseId } from '../../id.ts'
import { accessTokenRecord, oldestCreation } from '../sql/access-token-record.ts'
import type { AccessTokenDatabase, AccessTokenRecord } from '../types.ts'
import type { QueryBuilder } from './dialect.ts'
import { run } from './errors.ts'
import type { AccessTokenTable } from './tables.ts'

/**
 * The access tokens of one Drizzle database. Obtain it from `drizzleUserDatabase`.
 *
 * @example
 * ```ts
 * const { accessTokens } = drizzleUserDatabase({ db, tables: { user, accessToken } })
 * const record = await accessTokens.getByToken(token, 3600)
 * ```
 */
export class DrizzleAccessTokenDatabase implements AccessTokenDatabase {
  readonly #db: QueryBuilder
  readonly #table: AccessTokenTable

  constructor(db: QueryBuilder, table: AccessTokenTable) {
    this.#db = db
    this.#table = table
  }

  async getByToken(token: string, maxAgeSeconds?: number | null): Promise<AccessTokenRecord | null> {
    const table = this.#table
    const conditions: SQL[] = [eq(table.token, token)]
    const oldest = oldestCreation(maxAgeSeconds)
    if (oldest !== null) conditions.push(gte(table.created_at, oldest))
    const rows = await run(
      this.#db
        .select({ token: table.token, user_id: table.user_id, created_at: table.created_at })
        .from(table)
        .where(and(...conditions))
        .limit(1),
    )
    const row = rows[0]
    return row === undefined ? null : accessTokenRecord(token, row['user_id'], row['created_at'])
  }

  async create(record: AccessTokenRecord): Promise<AccessTokenRecord> {
    await run(
      this.#db.insert(this.#table).values({
        token: record.token,
        user_id: record.user_id.toLowerCase(),
        created_at: record.created_at,
      }),
    )
    return { ...record }
  }

  async delete(token: string): Promise<void> {
    await run(this.#db.delete(this.#table).where(eq(this.#table.token, token)))
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const id = parseId(userId)
    if (id === null) return 0
    const table = this.#table
    // Counting returned rows works alike on every driver, unlike their result objects.
    const deleted = await run(this.#db.delete(table).where(eq(table.user_id, id)).returning({ token: table.token }))
    return deleted.length
  }
}
