/**
 * The sessions of users (issue 15, docs/sessions.md), opt-in: what the backends record when a
 * session starts, turns over (a refresh) or ends, so that a user can list and end its own.
 *
 * - a login records the session with its `User-Agent` and client address (each can be turned
 *   off), a refresh points it at its new access token, a logout, a refresh reuse and every
 *   "log out everywhere" (this is a `TokenRevoker`) delete it;
 * - a request's use of a session is recorded at most once per `touchIntervalSeconds` per
 *   session and process: `touch` decides from memory, without a hash or a store round trip,
 *   and hands back the write for the caller to run after its response;
 * - listing skips sessions past their expiry, and a sweep deletes them now and then.
 *
 * Ending one session (its tokens through its backend) needs the backends: that is
 * src/authentication/session-ending.ts.
 */
import { randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { sha256Base64url } from '../opaque-token.ts'
import type { RevokeOptions, TokenRevoker } from '../revocation/revoker.ts'
import { storeUnavailable } from '../revocation/unavailable.ts'
import { sessionClientAddress } from './client-address.ts'
import type { SessionRecord, SessionStore } from './store.ts'

export interface SessionsOptions {
  store: SessionStore
  /** Seconds between two recordings of one session's use by one process (default 60). */
  touchIntervalSeconds?: number
  /** Record each login's `User-Agent` (default `true`). */
  recordUserAgent?: boolean
  /** Record each login's client address, as Fastify's `request.ip` gives it (default `true`). */
  recordClientAddress?: boolean
}

/** Who logged in, as the request told. */
export interface SessionClient {
  userAgent: string | null
  address: string | null
}

/** A session a login just started. */
export interface SessionStart {
  userId: string
  backend: string
  accessToken: string
  accessTokenKey: string | null
  familyId: string | null
  /** Seconds the session works from now (the refresh lifetime, else the access token's); `null`: until ended. */
  lifetimeSeconds: number | null
  client: SessionClient
}

const DEFAULT_TOUCH_INTERVAL_SECONDS = 60
const MAX_USER_AGENT = 512
/** Sweep expired sessions after this many logins by this process. */
const SWEEP_EVERY = 100

/**
 * @example
 * const sessions = new Sessions({ store: new KyselySessionStore({ db: store.db }) })
 */
export class Sessions implements TokenRevoker {
  readonly touchIntervalSeconds: number
  readonly #store: SessionStore
  readonly #recordUserAgent: boolean
  readonly #recordClientAddress: boolean
  /**
   * Access tokens whose use was recorded (or that were issued) within the interval, by this
   * process. Keyed by the token itself: hashing it would cost more than the rest of the
   * request's check, and the process holds the tokens it serves anyway; nothing here is written out.
   */
  readonly #touched: LRUCache<string, true>
  #sinceSweep = 0

  constructor(options: SessionsOptions) {
    const interval = options.touchIntervalSeconds ?? DEFAULT_TOUCH_INTERVAL_SECONDS
    if (!(Number.isSafeInteger(interval) && interval > 0)) throw new TypeError('touchIntervalSeconds must be a positive whole number of seconds')
    this.touchIntervalSeconds = interval
    this.#store = options.store
    this.#recordUserAgent = options.recordUserAgent ?? true
    this.#recordClientAddress = options.recordClientAddress ?? true
    this.#touched = new LRUCache({ max: 100_000, ttl: interval * 1000, updateAgeOnGet: false })
  }

  /** Records a session a login started. */
  async started(start: SessionStart): Promise<void> {
    const now = nowSeconds()
    const accessTokenHash = sha256Base64url(start.accessToken)
    this.#touched.set(start.accessToken, true)
    await storeUnavailable(this.#store.create({
      id: randomBytes(16).toString('base64url'),
      userId: start.userId,
      backend: start.backend,
      accessTokenHash,
      accessTokenKey: start.accessTokenKey,
      familyId: start.familyId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: start.lifetimeSeconds === null ? null : now + start.lifetimeSeconds,
      userAgent: this.#recordUserAgent ? start.client.userAgent?.slice(0, MAX_USER_AGENT) || null : null,
      clientAddress: this.#recordClientAddress && start.client.address ? sessionClientAddress(start.client.address) : null,
    }))
    if (++this.#sinceSweep >= SWEEP_EVERY) {
      this.#sinceSweep = 0
      await storeUnavailable(this.#store.deleteExpired(now))
    }
  }

  /** A refresh of the family's session issued `accessToken`: the session goes on with it. */
  async refreshed(userId: string, familyId: string, accessToken: string, accessTokenKey: string | null, lifetimeSeconds: number): Promise<void> {
    const now = nowSeconds()
    this.#touched.set(accessToken, true)
    const accessTokenHash = sha256Base64url(accessToken)
    await storeUnavailable(this.#store.rotate(userId, familyId, { accessTokenHash, accessTokenKey, lastUsedAt: now, expiresAt: now + lifetimeSeconds }))
  }

  /** The session of this access token ended by a logout. */
  async loggedOut(userId: string, accessToken: string): Promise<void> {
    await storeUnavailable(this.#store.deleteByAccessToken(userId, sha256Base64url(accessToken)))
  }

  /** The session of this refresh family ended (a reuse of one of its tokens). */
  async familyEnded(userId: string, familyId: string): Promise<void> {
    await storeUnavailable(this.#store.deleteFamily(userId, familyId))
  }

  /** "Log out everywhere": the user's sessions are forgotten, except that of `options.except`. */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    const keep = options.except === undefined ? undefined : sha256Base64url(options.except)
    await storeUnavailable(this.#store.deleteAllForUser(userId, keep))
  }

  /** The user's sessions that have not expired, the most recently used first. */
  async list(userId: string): Promise<SessionRecord[]> {
    const now = nowSeconds()
    const sessions = await storeUnavailable(this.#store.list(userId))
    return sessions
      .filter((session) => session.expiresAt === null || session.expiresAt > now)
      .sort((a, b) => b.lastUsedAt - a.lastUsedAt || b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
  }

  /** The user's session of this id, unless it expired; `null` for another user's. */
  async get(userId: string, id: string): Promise<SessionRecord | null> {
    const session = await storeUnavailable(this.#store.get(userId, id))
    return session !== null && (session.expiresAt === null || session.expiresAt > nowSeconds()) ? session : null
  }

  /** Deletes the record of a session whose tokens have been ended. */
  async forget(userId: string, id: string): Promise<void> {
    await storeUnavailable(this.#store.delete(userId, id))
  }

  /** Whether `accessToken` is the one the session issued last. */
  isCurrent(session: SessionRecord, accessToken: string | null): boolean {
    return accessToken !== null && session.accessTokenHash === sha256Base64url(accessToken)
  }

  /**
   * The write that records a use of the session of `accessToken`, or `null` when one was
   * recorded (or started) by this process within the interval. Deciding costs one memory
   * lookup; run the write (which hashes the token) after the response.
   */
  touch(userId: string, accessToken: string): (() => Promise<void>) | null {
    if (this.#touched.has(accessToken)) return null
    this.#touched.set(accessToken, true)
    return () => storeUnavailable(this.#store.touch(userId, sha256Base64url(accessToken), nowSeconds()))
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
