/**
 * Database strategy (CONTRACT §7): an opaque 43-character token per login, stored as a row
 * `{token, user_id, created_at}` of FastAPI Users' `accesstoken` table (or the MongoDB
 * adapter's collection). The lifetime is fixed, counted from `created_at`
 * (`created_at >= now - lifetime`), not sliding; expired rows are simply ignored, as upstream.
 * Logout deletes the row; "log out everywhere" deletes all of the user's rows. By default the
 * row holds the token's SHA-256, not the token (see `opaque-token.ts` for why, and for
 * `tokenStorage: 'plain'`, which reads a FastAPI Users token table).
 */
import type { AccessTokenDatabase } from '../../db/types.ts'
import type { RevokeOptions, TokenRevoker } from '../../revocation/revoker.ts'
import { storeUnavailable } from '../../revocation/unavailable.ts'
import type { UserRecord } from '../../user.ts'
import { checkTokenStorage, newOpaqueToken, storedToken, StoredTokens, type TokenStorage } from '../../opaque-token.ts'
import type { Strategy, UserLookup } from '../strategy.ts'

export interface DatabaseStrategyOptions {
  /** `store.accessTokens` of a database adapter. */
  accessTokenDb: AccessTokenDatabase
  /** Seconds a token works after its creation; `null` (not recommended): until logout. */
  lifetimeSeconds: number | null
  /** `sha256` (default) stores a hash of each token; `plain` stores it as FastAPI Users does. */
  tokenStorage?: TokenStorage
}

/**
 * @example
 * const store = await openUserDatabase(process.env.DATABASE_URL!)
 * const strategy = new DatabaseStrategy({ accessTokenDb: store.accessTokens, lifetimeSeconds: 3600 })
 */
export class DatabaseStrategy implements Strategy, TokenRevoker {
  readonly lifetimeSeconds: number | null
  readonly tokenStorage: TokenStorage
  readonly #db: AccessTokenDatabase
  readonly #stored: StoredTokens

  constructor(options: DatabaseStrategyOptions) {
    this.#db = options.accessTokenDb
    this.lifetimeSeconds = options.lifetimeSeconds
    this.tokenStorage = checkTokenStorage(options.tokenStorage ?? 'sha256')
    // About 2 MB at most: the hash was most of a request's own work once its row is cached.
    this.#stored = new StoredTokens(this.tokenStorage, 10_000)
  }

  async readToken<U extends UserRecord>(token: string, users: UserLookup<U>): Promise<U | null> {
    const stored = this.#stored.of(token)
    if (stored === null) return null
    const record = await storeUnavailable(this.#db.getByToken(stored, this.lifetimeSeconds))
    return record === null ? null : users.get(record.user_id)
  }

  async writeToken(user: UserRecord): Promise<string> {
    const token = newOpaqueToken()
    await storeUnavailable(this.#db.create({ token: storedToken(token, this.tokenStorage)!, user_id: user.id, created_at: new Date() }))
    return token
  }

  async destroyToken(token: string): Promise<void> {
    const stored = storedToken(token, this.tokenStorage)
    if (stored !== null) await storeUnavailable(this.#db.delete(stored))
  }

  /** The row's key when rows hold hashes; `plain` rows hold the token itself, which is a secret. */
  tokenKey(token: string): string | null {
    return this.tokenStorage === 'sha256' ? storedToken(token, 'sha256') : null
  }

  async revokeTokenKey(key: string): Promise<void> {
    await storeUnavailable(this.#db.delete(key))
  }

  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    await storeUnavailable(this.#revokeAll(userId, options))
  }

  async #revokeAll(userId: string, options: RevokeOptions): Promise<void> {
    const stored = options.except === undefined ? null : storedToken(options.except, this.tokenStorage)
    const kept = stored === null ? null : await this.#db.getByToken(stored, this.lifetimeSeconds)
    await this.#db.deleteAllForUser(userId)
    // The adapter interface has no "all but one": put the kept row back as it was, with its
    // creation time, so its lifetime is not extended.
    if (kept !== null && kept.user_id === userId) await this.#db.create(kept)
  }
}
