/**
 * Revocation state in the SQL database the users live in (SQLite, PostgreSQL, MySQL/MariaDB),
 * shared by every instance on that database. Tables (migration 3 of the Kysely adapter):
 *
 * - `fastify_users_token_generation (user_id PK, generation, kept)`: one row per user who was
 *   ever logged out everywhere;
 * - `fastify_users_token_denylist (token_key PK, expires_at)`: logged-out tokens, `expires_at`
 *   in Unix seconds (NULL: never); rows past it are ignored and swept now and then.
 *
 * `check` is one SELECT of three scalar subqueries, both primary-key lookups.
 */
import type { CompiledQuery, Kysely } from 'kysely'
import type { RevocationState, RevocationStore } from '../../revocation/store.ts'

export const GENERATION_TABLE = 'fastify_users_token_generation'
export const DENYLIST_TABLE = 'fastify_users_token_denylist'

/** Sweep expired denylist rows after this many denials by this process. */
const SWEEP_EVERY = 100

/** Stand for the values in the compiled `check`; no user id, token key or time equals them. */
// Stryker disable next-line StringLiteral: equivalent, any three distinct strings stand in alike
const USER_ID = '\u0000user-id'
// Stryker disable next-line StringLiteral: equivalent, any three distinct strings stand in alike
const TOKEN_KEY = '\u0000token-key'
// Stryker disable next-line StringLiteral: equivalent, any three distinct strings stand in alike
const NOW = '\u0000now'

export interface KyselyRevocationStoreOptions {
  /** The users database (`store.db` of a Kysely user store), migrated to version 3 or later. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  dialect: 'sqlite' | 'postgres' | 'mysql'
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const revocation = new KyselyRevocationStore({ db: store.db, dialect: store.dialect })
 */
export class KyselyRevocationStore implements RevocationStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly #db: Kysely<any>
  readonly #mysql: boolean
  readonly #check: CompiledQuery
  #sinceSweep = 0

  constructor(options: KyselyRevocationStoreOptions) {
    this.#db = options.db.withoutPlugins()
    this.#mysql = options.dialect === 'mysql'
    // `check` runs on every request a JWT authenticates; building it with Kysely each time cost
    // more than running it (bench/), so it is compiled once and run with the values swapped in.
    this.#check = this.#db
      .selectNoFrom((eb) => [
        eb.selectFrom(GENERATION_TABLE).select('generation').where('user_id', '=', USER_ID).as('generation'),
        eb.selectFrom(GENERATION_TABLE).select('kept').where('user_id', '=', USER_ID).as('kept'),
        eb
          .selectFrom(DENYLIST_TABLE)
          .select('token_key')
          .where('token_key', '=', TOKEN_KEY)
          .where((w) => w.or([w('expires_at', 'is', null), w('expires_at', '>', NOW)]))
          .as('denied'),
      ])
      .compile()
  }

  async check(userId: string, tokenKey: string): Promise<RevocationState> {
    const values: Record<string, unknown> = { [USER_ID]: userId, [TOKEN_KEY]: tokenKey, [NOW]: nowSeconds() }
    const parameters = this.#check.parameters.map((value) => values[value as string])
    const { rows } = await this.#db.executeQuery<Record<string, unknown>>({ ...this.#check, parameters })
    const row = rows[0]!
    return {
      // A user never logged out everywhere has no row: the subquery is NULL, and `Number(null)` 0.
      generation: Number(row.generation),
      kept: row.kept == null ? null : String(row.kept),
      denied: row.denied != null,
    }
  }

  async generation(userId: string): Promise<number> {
    const row = await this.#db
      .selectFrom(GENERATION_TABLE)
      .select('generation')
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row === undefined ? 0 : Number(row.generation)
  }

  async bump(userId: string, keep: string | null = null): Promise<void> {
    const insert = this.#db.insertInto(GENERATION_TABLE).values({ user_id: userId, generation: 1, kept: keep })
    if (this.#mysql) {
      await insert.onDuplicateKeyUpdate((eb) => ({ generation: eb(eb.ref('generation'), '+', 1), kept: keep })).execute()
      return
    }
    await insert
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({
          generation: eb(eb.ref(`${GENERATION_TABLE}.generation`), '+', 1),
          kept: keep,
        })),
      )
      .execute()
  }

  async deny(tokenKey: string, expiresAt: number | null): Promise<void> {
    const insert = this.#db.insertInto(DENYLIST_TABLE).values({ token_key: tokenKey, expires_at: expiresAt })
    if (this.#mysql) await insert.onDuplicateKeyUpdate({ expires_at: expiresAt }).execute()
    else await insert.onConflict((oc) => oc.column('token_key').doUpdateSet({ expires_at: expiresAt })).execute()
    if (++this.#sinceSweep >= SWEEP_EVERY) {
      this.#sinceSweep = 0
      await this.#db.deleteFrom(DENYLIST_TABLE).where('expires_at', '<=', nowSeconds()).execute()
    }
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
