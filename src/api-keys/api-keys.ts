/**
 * API keys (personal access tokens): a user creates named keys, each with an expiry and a
 * subset of the user's permissions, is shown each key once, lists and revokes them. A key
 * authenticates a request on its own (no session), as its owner restricted to the key's
 * permissions; see docs/api-keys.md.
 *
 * Checking a key reads its record by id, then compares the secret's hash in constant time: no
 * lookup by secret, so the time taken says nothing about how much of a secret was right. An
 * unknown, wrong, expired or revoked key is refused alike. Keys are never cached: a revoked key
 * is refused on the very next request, on every instance. Each key has its own request limit
 * on the rate-limit store, and its last use is recorded at most once per interval.
 */
import { TooManyRequestsError } from '../errors.ts'
import type { RevokeOptions } from '../revocation/revoker.ts'
import { MemoryRateLimitStore } from '../security/memory-store.ts'
import type { RateLimitStore } from '../security/rate-limit-store.ts'
import { SlidingWindowLimiter, type RateLimitRule } from '../security/sliding-window.ts'
import { ApiKeyError, ApiKeyErrorCode } from './errors.ts'
import { newApiKey, parseApiKey, secretMatches } from './key-format.ts'
import type { ApiKeyRecord, ApiKeyStore } from './store.ts'

/** 600 requests a minute per key. */
export const DEFAULT_API_KEY_RATE_LIMIT: Readonly<RateLimitRule> = Object.freeze({ limit: 600, windowSeconds: 60 })

export interface ApiKeysOptions {
  store: ApiKeyStore
  /** Requests per key (default `DEFAULT_API_KEY_RATE_LIMIT`); `false`: no limit. */
  rateLimit?: RateLimitRule | false
  /** Where the per-key counters live; by default the `security.store`, else this process's memory. */
  rateLimitStore?: RateLimitStore
  /** The longest lifetime a key may be given, in seconds (default 365 days). */
  maxLifetimeSeconds?: number
  /** Keys a user may hold at once (default 50). */
  maxKeysPerUser?: number
  /** Seconds between two records of a key's last use (default 60): not one write per request. */
  lastUsedIntervalSeconds?: number
  /** The clock, in milliseconds; for tests. */
  now?: () => number
}

export interface ApiKeyInput {
  name: string
  expiresAt: Date
  permissions: readonly string[]
}

export interface CreatedApiKey {
  record: ApiKeyRecord
  /** The full key, shown this once: it is stored only hashed. */
  key: string
}

/**
 * @example
 * const apiKeys = new ApiKeys({ store: new MemoryApiKeyStore() })
 * const { key } = await apiKeys.create(user.id, { name: 'ci', expiresAt, permissions: [] }, new Set())
 */
export class ApiKeys {
  readonly store: ApiKeyStore
  readonly #rule: RateLimitRule | null
  readonly #limiter: SlidingWindowLimiter
  readonly #maxLifetimeMs: number
  readonly #maxKeys: number
  readonly #lastUsedIntervalMs: number
  readonly #now: () => number

  constructor(options: ApiKeysOptions) {
    this.store = options.store
    this.#rule = options.rateLimit === false ? null : (options.rateLimit ?? DEFAULT_API_KEY_RATE_LIMIT)
    this.#now = options.now ?? Date.now
    this.#limiter = new SlidingWindowLimiter(options.rateLimitStore ?? new MemoryRateLimitStore(), this.#now)
    this.#maxLifetimeMs = (options.maxLifetimeSeconds ?? 365 * 24 * 3600) * 1000
    this.#maxKeys = options.maxKeysPerUser ?? 50
    this.#lastUsedIntervalMs = (options.lastUsedIntervalSeconds ?? 60) * 1000
  }

  /**
   * Creates a key for the user. `held` is what the user may do now: every permission asked for
   * must be among them.
   *
   * @throws ApiKeyError `API_KEY_PERMISSION_NOT_HELD`, `API_KEY_INVALID_EXPIRY`, `API_KEY_LIMIT_REACHED`.
   */
  async create(userId: string, input: ApiKeyInput, held: ReadonlySet<string>): Promise<CreatedApiKey> {
    if (!input.permissions.every((permission) => held.has(permission))) throw new ApiKeyError(ApiKeyErrorCode.API_KEY_PERMISSION_NOT_HELD)
    const now = this.#now()
    const expires = input.expiresAt.getTime()
    if (!(expires > now) || expires - now > this.#maxLifetimeMs) throw new ApiKeyError(ApiKeyErrorCode.API_KEY_INVALID_EXPIRY)
    if ((await this.store.list(userId)).length >= this.#maxKeys) throw new ApiKeyError(ApiKeyErrorCode.API_KEY_LIMIT_REACHED)
    const { id, key, secretHash } = newApiKey()
    const record: ApiKeyRecord = {
      id,
      userId,
      name: input.name,
      secretHash,
      permissions: [...new Set(input.permissions)],
      createdAt: new Date(now),
      expiresAt: new Date(expires),
      lastUsedAt: null,
    }
    await this.store.create(record)
    return { record, key }
  }

  /** The user's keys, oldest first, expired ones included (their owner sees them go stale). */
  list(userId: string): Promise<ApiKeyRecord[]> {
    return this.store.list(userId)
  }

  /** Revokes a key of the user; `false` when the user has no such key. */
  revoke(userId: string, id: string): Promise<boolean> {
    return this.store.delete(userId, id)
  }

  /**
   * The record of a valid key, or `null` for a malformed, unknown, wrong, expired or revoked one.
   *
   * @throws TooManyRequestsError when the key has used up its request limit.
   */
  async check(key: string): Promise<ApiKeyRecord | null> {
    const parsed = parseApiKey(key)
    if (parsed === null) return null
    const record = await this.store.get(parsed.id)
    if (record === null || !secretMatches(parsed.secret, record.secretHash)) return null
    if (record.expiresAt.getTime() <= this.#now()) return null
    // Counted only for keys that check out: nobody else can spend a key's allowance.
    if (this.#rule !== null) {
      const verdict = await this.#limiter.hit(`api-key:${record.id}`, this.#rule)
      if (!verdict.allowed) throw new TooManyRequestsError({ retryAfterSeconds: verdict.retryAfterSeconds })
    }
    return record
  }

  /** Records a use of the key, unless one was recorded within the interval. */
  async recordUse(record: ApiKeyRecord): Promise<void> {
    const now = this.#now()
    const staleBefore = now - this.#lastUsedIntervalMs
    if (record.lastUsedAt !== null && record.lastUsedAt.getTime() >= staleBefore) return
    await this.store.touch(record.id, new Date(now), new Date(staleBefore))
  }

  /**
   * A deleted user's keys go with it. Logging out everywhere leaves keys alone: they are
   * credentials the user manages one by one, and a key of a user who is deactivated or banned
   * is refused anyway.
   */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    if (options.userDeleted === true) await this.store.deleteAll(userId)
  }
}
