/**
 * Refresh tokens of one authentication backend (opt-in). A login that starts a session gets,
 * beside its access token, a long-lived opaque refresh token (43 base64url characters, stored
 * only as its SHA-256). Exchanging it gives a new access token and a new refresh token of the
 * same family, and uses the old one up (rotation). Presenting a used token again means two
 * parties hold the family, one of them a thief: the whole family is deleted (reuse detection,
 * as the OAuth 2.0 Security BCP describes), so whichever of them refreshes next is refused.
 *
 * The lifetime slides: each rotated token lives `lifetimeSeconds` from its issue. A refresh
 * token is also ended by the logout of an access token issued with it (each row keeps the
 * hash of that access token), and by every "log out everywhere" of its user.
 */
import { newOpaqueToken, sha256Base64url, storedToken } from '../opaque-token.ts'
import type { RevokeOptions, TokenRevoker } from '../revocation/revoker.ts'
import type { RefreshTokenRecord, RefreshTokenStore } from './store.ts'

export interface RefreshCookieOptions {
  /** Default `fastapiusersrefresh`. */
  name?: string
  /** Default: the refresh route's own path (`{prefix}/refresh`), so no other request carries it. */
  path?: string
  domain?: string | null
  /** Default `true`. */
  secure?: boolean
  /** Default `strict`: only the application's own pages refresh. */
  sameSite?: 'lax' | 'strict' | 'none'
}

export interface RefreshOptions {
  store: RefreshTokenStore
  /** Seconds a refresh token works after its issue (each rotation starts a new one). */
  lifetimeSeconds: number
  /** The refresh cookie of a cookie backend (always HttpOnly, Max-Age = lifetime). */
  cookie?: RefreshCookieOptions
}

/** What checking a presented refresh token found. */
export type RefreshCheck =
  | { status: 'valid'; record: RefreshTokenRecord }
  /** Unknown, malformed or expired. */
  | { status: 'invalid' }
  /** Used before: its family has just been deleted. */
  | { status: 'reused' }

/** Sweep expired rows after this many issues by this process. */
const SWEEP_EVERY = 100

/**
 * @example
 * const refresh = new RefreshTokens({ store: new KyselyRefreshTokenStore({ db: store.db }), lifetimeSeconds: 30 * 86400 })
 */
export class RefreshTokens implements TokenRevoker {
  readonly lifetimeSeconds: number
  readonly cookie: RefreshCookieOptions
  readonly #store: RefreshTokenStore
  #sinceSweep = 0

  constructor(options: RefreshOptions) {
    if (!(Number.isSafeInteger(options.lifetimeSeconds) && options.lifetimeSeconds > 0)) {
      throw new TypeError('refresh lifetimeSeconds must be a positive whole number of seconds')
    }
    this.#store = options.store
    this.lifetimeSeconds = options.lifetimeSeconds
    this.cookie = options.cookie ?? {}
  }

  /** A new refresh token for the access token just issued, in a new family or in `familyId`. */
  async issue(userId: string, accessToken: string, familyId?: string): Promise<string> {
    const token = newOpaqueToken()
    const now = nowSeconds()
    await this.#store.create({
      tokenHash: sha256Base64url(token),
      familyId: familyId ?? newOpaqueToken(),
      userId,
      accessTokenHash: sha256Base64url(accessToken),
      createdAt: now,
      expiresAt: now + this.lifetimeSeconds,
      usedAt: null,
    })
    if (++this.#sinceSweep >= SWEEP_EVERY) {
      this.#sinceSweep = 0
      await this.#store.deleteExpired(now)
    }
    return token
  }

  /** Checks a presented token without using it; a reuse deletes its family at once. */
  async check(token: string): Promise<RefreshCheck> {
    const hash = storedToken(token, 'sha256')
    const record = hash === null ? null : await this.#store.find(hash)
    if (record === null || record.expiresAt <= nowSeconds()) return { status: 'invalid' }
    if (record.usedAt !== null) {
      await this.#store.deleteFamily(record.familyId)
      return { status: 'reused' }
    }
    return { status: 'valid', record }
  }

  /**
   * Uses `record` up and issues its successor for `accessToken`. Returns `null` when another
   * request used it first: that is a reuse too, and the family is deleted.
   */
  async rotate(record: RefreshTokenRecord, accessToken: string): Promise<string | null> {
    // The successor is stored before the token is used up: whoever then finds the token used
    // (a concurrent rotation, a reuse check) deletes the family after the successor exists,
    // so the deletion cannot miss it.
    const successor = await this.issue(record.userId, accessToken, record.familyId)
    if (!(await this.#store.consume(record.tokenHash, nowSeconds()))) {
      await this.#store.deleteFamily(record.familyId)
      return null
    }
    return successor
  }

  /** Ends the refresh tokens issued with this access token (logout). */
  async revokeByAccessToken(accessToken: string): Promise<void> {
    await this.#store.deleteFamiliesOfAccessToken(sha256Base64url(accessToken))
  }

  /** Ends every refresh token of the user, except the family of `options.except` (an access token). */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    const keep = options.except === undefined ? undefined : sha256Base64url(options.except)
    await this.#store.deleteAllForUser(userId, keep)
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
