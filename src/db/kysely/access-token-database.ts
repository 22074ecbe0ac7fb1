/**
 * `AccessTokenDatabase` over FastAPI Users' `accesstoken` table (the database strategy). On
 * SQLite `created_at` is text in FastAPI Users' format, so tokens it issued keep working and
 * the age filter compares strings of one width; see src/db/sql/timestamp.ts.
 */
import { accessTokenRecord, oldestCreation } from '../sql/access-token-record.ts'
import { runWithoutQueryValues } from '../sql/driver-error.ts'
import { parseSqlTimestamp } from '../sql/timestamp.ts'
import type { AccessTokenDatabase, AccessTokenRecord } from '../types.ts'
import { encodeTimestamp, selectTimestamp } from './codec.ts'
import type { CompiledQuery } from 'kysely'
import type { AnyKysely, SqlDialect } from './schema.ts'
import { normalizeUuid } from './user-row.ts'

/** Stand for the values in the compiled lookups; no token or time equals them. */
const TOKEN = '\u0000token'
const OLDEST = '\u0000oldest'

/**
 * The access tokens of one SQL database. Obtain it from a store factory, which also creates
 * the table.
 */
export class KyselyAccessTokenDatabase implements AccessTokenDatabase {
  readonly #db: AnyKysely
  readonly #dialect: SqlDialect
  readonly #byToken: CompiledQuery
  readonly #byTokenSince: CompiledQuery

  constructor(db: AnyKysely, dialect: SqlDialect) {
    this.#db = db
    this.#dialect = dialect
    // The database strategy runs this lookup on every request it authenticates: compiled once,
    // as the user lookup is, and run with the values swapped in.
    const byToken = db
      .selectFrom('accesstoken')
      .select(['token', 'user_id', selectTimestamp(dialect, 'created_at', 'created_at')])
      .where('token', '=', TOKEN)
    this.#byToken = byToken.compile()
    this.#byTokenSince = byToken.where('created_at', '>=', OLDEST).compile()
  }

  async getByToken(token: string, maxAgeSeconds?: number | null): Promise<AccessTokenRecord | null> {
    const oldest = oldestCreation(maxAgeSeconds)
    const compiled = oldest === null ? this.#byToken : this.#byTokenSince
    const parameters = compiled.parameters.map((value) =>
      value === TOKEN ? token : value === OLDEST ? encodeTimestamp(this.#dialect, oldest!) : value,
    )
    const { rows } = await runWithoutQueryValues(this.#db.executeQuery<Record<string, unknown>>({ ...compiled, parameters }))
    const row = rows[0]
    // Exact comparison: a MySQL table FastAPI Users created compares tokens case-blind.
    if (row === undefined || row['token'] !== token) return null
    return accessTokenRecord(token, row['user_id'], parseSqlTimestamp(row['created_at']))
  }

  async create(record: AccessTokenRecord): Promise<AccessTokenRecord> {
    await runWithoutQueryValues(
      this.#db
        .insertInto('accesstoken')
        .values({
          token: record.token,
          user_id: record.user_id.toLowerCase(),
          created_at: encodeTimestamp(this.#dialect, record.created_at),
        })
        .execute(),
    )
    return { ...record }
  }

  async delete(token: string): Promise<void> {
    await runWithoutQueryValues(this.#db.deleteFrom('accesstoken').where('token', '=', token).execute())
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const id = normalizeUuid(userId)
    if (id === null) return 0
    const result = await runWithoutQueryValues(this.#db.deleteFrom('accesstoken').where('user_id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows)
  }
}
