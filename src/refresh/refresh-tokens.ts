/**
 * Refresh tokens of one authentication backend (opt-in). A login that starts a session gets,
 * beside its access token, a long-lived opaque refresh token (43 base64url characters, stored
 * only as its SHA-256). Exchanging it gives a new access token and a new refresh token of the
 * same family, and uses the old one up (rotation). Presenting a used token again means two
 * parties hold the family, one of them a thief: the whole session ends (reuse detection, as the
 * OAuth 2.0 Security BCP describes): the family's refresh tokens are deleted, and every access
 * token issued with them is revoked through the backend's strategy (by the key each row keeps,
 * `Strategy.tokenKey`; where a row has none, every access token of the user).
 *
 * A client that sends one refresh twice (a retry after a lost response, two tabs) is not a
 * thief: within `reuseGraceSeconds` of the first use, the same token gets the same successor
 * again, with a new access token that joins the family. The successor is derived, not stored:
 * an HMAC of its predecessor's hash under a server key, so the store keeps no token and a
 * reader of the store cannot compute one. Instances that share a store must share the key
 * (`successorSecret`); with a per-process random key, a repeat that reaches another instance
 * is treated as a reuse.
 *
 * The lifetime slides: each rotated token lives `lifetimeSeconds` from its issue. A refresh
 * token is also ended by the logout of an access token issued with it (each row keeps the
 * hash of that access token), and by every "log out everywhere" of its user.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { newOpaqueToken, sha256Base64url, storedToken } from '../opaque-token.ts'
import { isTokenRevoker, type AccessTokenNames, type RevokeOptions, type TokenRevoker } from '../revocation/revoker.ts'
import { storeUnavailable } from '../revocation/unavailable.ts'
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
  /**
   * Seconds after its first use during which presenting a refresh token again answers with the
   * same successor instead of ending the session (default 5; 0 turns it off).
   */
  reuseGraceSeconds?: number
  /**
   * The key successors are derived with (at least 32 characters; the application's secret will
   * do, it is used under a purpose label). Default: random per process, which makes repeats
   * idempotent only on the instance that answered the first request.
   */
  successorSecret?: string
}

/** What checking a presented refresh token found. */
export type RefreshCheck =
  | { status: 'valid'; record: RefreshTokenRecord }
  /** Unknown, malformed or expired. */
  | { status: 'invalid' }
  /** Used before: its family (of that user) has just been deleted. */
  | { status: 'reused'; familyId: string; userId: string }

/** Sweep expired rows after this many issues by this process. */
const SWEEP_EVERY = 100
const DEFAULT_REUSE_GRACE_SECONDS = 5
const SUCCESSOR_PURPOSE = 'fastify-users refresh-token successor'

/**
 * @example
 * const refresh = new RefreshTokens({ store: new KyselyRefreshTokenStore({ db: store.db }), lifetimeSeconds: 30 * 86400 })
 */
export class RefreshTokens implements TokenRevoker {
  readonly lifetimeSeconds: number
  readonly cookie: RefreshCookieOptions
  readonly reuseGraceSeconds: number
  readonly #store: RefreshTokenStore
  readonly #strategy: AccessTokenNames | null
  readonly #successorKey: Buffer
  #sinceSweep = 0

  /** `strategy` issues the access tokens (the backend's): a reuse ends them through it. */
  constructor(options: RefreshOptions, strategy: AccessTokenNames | null = null) {
    if (!(Number.isSafeInteger(options.lifetimeSeconds) && options.lifetimeSeconds > 0)) {
      throw new TypeError('refresh lifetimeSeconds must be a positive whole number of seconds')
    }
    const grace = options.reuseGraceSeconds ?? DEFAULT_REUSE_GRACE_SECONDS
    if (!(Number.isSafeInteger(grace) && grace >= 0)) throw new TypeError('reuseGraceSeconds must be a whole number of seconds, 0 or more')
    if (options.successorSecret !== undefined && options.successorSecret.length < 32) {
      throw new TypeError('successorSecret must be at least 32 characters')
    }
    this.#store = options.store
    this.#strategy = strategy
    this.lifetimeSeconds = options.lifetimeSeconds
    this.cookie = options.cookie ?? {}
    this.reuseGraceSeconds = grace
    const secret = options.successorSecret ?? randomBytes(32)
    this.#successorKey = createHmac('sha256', secret).update(SUCCESSOR_PURPOSE).digest()
  }

  /** A new refresh token for the access token just issued, in a new family. */
  async issue(userId: string, accessToken: string): Promise<string> {
    return (await this.issueFamily(userId, accessToken)).token
  }

  /** `issue`, also naming the new family (the session it starts). */
  async issueFamily(userId: string, accessToken: string): Promise<{ token: string; familyId: string }> {
    const token = newOpaqueToken()
    const familyId = newOpaqueToken()
    await storeUnavailable(this.#store.create(this.#record(token, familyId, userId, accessToken)))
    await this.#sweep()
    return { token, familyId }
  }

  /**
   * Checks a presented token without using it. A used token is a reuse, and its session ends
   * at once, unless it was used within the grace period: then it is valid once more, and
   * `rotate` answers with the successor it got the first time.
   */
  async check(token: string): Promise<RefreshCheck> {
    const hash = storedToken(token, 'sha256')
    const record = hash === null ? null : await storeUnavailable(this.#store.find(hash))
    const now = nowSeconds()
    if (record === null || record.expiresAt <= now) return { status: 'invalid' }
    if (record.usedAt !== null && !this.#inGrace(record.usedAt, now)) {
      await this.endFamily(record.familyId)
      return { status: 'reused', familyId: record.familyId, userId: record.userId }
    }
    return { status: 'valid', record }
  }

  /**
   * Uses `record` up and returns its successor, issued for `accessToken`. A repeat within the
   * grace period gets the same successor; anything else that finds the token used (a reuse, a
   * concurrent rotation outside the grace) ends the session and returns `null`.
   */
  async rotate(record: RefreshTokenRecord, accessToken: string): Promise<string | null> {
    return storeUnavailable(this.#rotate(record, accessToken))
  }

  async #rotate(record: RefreshTokenRecord, accessToken: string): Promise<string | null> {
    const successor = createHmac('sha256', this.#successorKey).update(record.tokenHash).digest('base64url')
    const next = this.#record(successor, record.familyId, record.userId, accessToken)
    // The successor is stored before the token is used up: whoever then finds the token used
    // (a concurrent rotation, a reuse check) ends the family after the successor exists, so
    // the ending cannot miss it. A repeat finds it stored; its own access token still joins
    // the family, on a row that no refresh token opens, so that a reuse ends it too.
    if (!(await this.#store.create(next))) {
      await this.#store.create({ ...next, tokenHash: sha256Base64url(newOpaqueToken()), usedAt: next.createdAt })
    }
    await this.#sweep()
    const now = nowSeconds()
    if (await this.#store.consume(record.tokenHash, now)) return successor
    const [used, stored] = await Promise.all([this.#store.find(record.tokenHash), this.#store.find(next.tokenHash)])
    const repeat =
      used !== null && used.usedAt !== null && this.#inGrace(used.usedAt, now) &&
      stored !== null && stored.usedAt === null && stored.familyId === record.familyId
    if (repeat) return successor
    await this.endFamily(record.familyId)
    return null
  }

  /** Ends the refresh tokens issued with this access token (logout). */
  async revokeByAccessToken(accessToken: string): Promise<void> {
    await storeUnavailable(this.#store.deleteFamiliesOfAccessToken(sha256Base64url(accessToken)))
  }

  /** Ends every refresh token of the user, except the family of `options.except` (an access token). */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    const keep = options.except === undefined ? undefined : sha256Base64url(options.except)
    await storeUnavailable(this.#store.deleteAllForUser(userId, keep))
  }

  /** Ends a session: its refresh tokens, then the access tokens issued with them. */
  async endFamily(familyId: string): Promise<void> {
    const members = await storeUnavailable(this.#store.deleteFamily(familyId))
    const strategy = this.#strategy
    if (strategy === null) return
    const unnamed = new Set<string>()
    for (const { userId, accessTokenKey } of members) {
      if (accessTokenKey !== null && strategy.revokeTokenKey !== undefined) await strategy.revokeTokenKey(accessTokenKey, userId)
      else unnamed.add(userId)
    }
    // A row that cannot name its access token (written before keys were kept, or a strategy
    // storing plain tokens): end every access token of the user rather than let one live.
    if (isTokenRevoker(strategy)) for (const userId of unnamed) await strategy.revokeAllTokens(userId)
  }

  #record(token: string, familyId: string, userId: string, accessToken: string): RefreshTokenRecord {
    const now = nowSeconds()
    return {
      tokenHash: sha256Base64url(token),
      familyId,
      userId,
      accessTokenHash: sha256Base64url(accessToken),
      accessTokenKey: this.#strategy?.tokenKey?.(accessToken) ?? null,
      createdAt: now,
      expiresAt: now + this.lifetimeSeconds,
      usedAt: null,
    }
  }

  #inGrace(usedAt: number, now: number): boolean {
    return now - usedAt <= this.reuseGraceSeconds && this.reuseGraceSeconds > 0
  }

  async #sweep(): Promise<void> {
    if (++this.#sinceSweep < SWEEP_EVERY) return
    this.#sinceSweep = 0
    await storeUnavailable(this.#store.deleteExpired(nowSeconds()))
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
