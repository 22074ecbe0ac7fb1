/**
 * Redis strategy (CONTRACT §7): an opaque 43-character token per login, stored as
 * `SET fastapi_users_token:<token> <user id> EX <lifetime>` as FastAPI Users does, so Redis
 * itself expires it; logout deletes the key. By default the key holds the token's SHA-256
 * rather than the token (see `opaque-token.ts`; `tokenStorage: 'plain'` shares keys with a
 * FastAPI Users deployment).
 *
 * For "log out everywhere" each user also has a set of its stored tokens,
 * `fastify_users_user_tokens:<user id>`, expiring with the newest of them. Upstream keeps no
 * such index, so tokens a FastAPI Users process writes into a shared Redis are not in it: they
 * end at logout or by expiry, not by a revocation of all tokens.
 *
 * Redis Cluster: a token's key and its user's set are keyed by different things (the token, the
 * user) and keep FastAPI Users' names, so they sit in different slots and no command spans
 * them. Each write touches one key, in an order that never leaves a live token out of its
 * user's set: a login adds the token to the set before it creates the key; a logout deletes
 * the key before it leaves the set. A failure in between leaves at most a set member without a
 * key, which nothing reads as a token.
 *
 * With an `AuthCache` (`cache`), a token's user and expiry are read once (GET and PTTL in one
 * pipeline) and then from the cache until the key's TTL; this strategy's logouts forget the
 * token, and its log out everywhere every token of the user, here and on the other instances
 * (docs/auth-cache.md). A key deleted by something else (a FastAPI Users process, a manual
 * DEL) is not announced, and may be served for the cache's `ttlMs`.
 *
 * A token exists only as its key, so when Redis loses its data (a restart without persistence,
 * `FLUSHALL`) every token dies with it: the loss fails closed, and no logout can come undone.
 */
import type { Cluster, Redis } from 'ioredis'
import type { RevokeOptions, TokenRevoker } from '../revocation/revoker.ts'
import { storeUnavailable } from '../revocation/unavailable.ts'
import type { UserRecord } from '../user.ts'
import { tokenKey, userTokensKey, type AuthCache, type CachedToken } from '../cache/auth-cache.ts'
import { checkTokenStorage, newOpaqueToken, sha256Base64url, storedToken, StoredTokens, type TokenStorage } from '../opaque-token.ts'
import type { Strategy, UserLookup } from '../authentication/strategy.ts'
import { boundedClient } from './bounded-client.ts'
import { checkKeyPrefix } from './keys.ts'

export interface RedisStrategyOptions {
  /** An ioredis client or Redis Cluster client; the strategy never closes it. */
  redis: Redis | Cluster
  /** Seconds a token works (the key's TTL); `null` (not recommended): until logout. */
  lifetimeSeconds: number | null
  /** Prefix of token keys; FastAPI Users' by default. */
  keyPrefix?: string
  /** Prefix of the per-user token sets. */
  userIndexPrefix?: string
  /** `sha256` (default) keys tokens by their hash; `plain` by the token, as FastAPI Users does. */
  tokenStorage?: TokenStorage
  /**
   * Milliseconds a Redis call may take before the request is answered 503 (default 1000;
   * `null`: no limit). Redis errors are answered 503 either way.
   */
  timeoutMs?: number | null
  /** Caches each token's user in process (docs/auth-cache.md); none by default. */
  cache?: AuthCache | null
}

/** Tokens whose stored form is remembered (`StoredTokens`): about 2 MB at most. */
const RECENT_TOKENS = 10_000

/** A token's user, and the moment (ms since the epoch) its key expires. */
interface CachedRedisToken extends CachedToken {
  expires_at: number
}

/**
 * @example
 * const strategy = new RedisStrategy({ redis: new Redis(process.env.REDIS_URL), lifetimeSeconds: 3600 })
 */
export class RedisStrategy implements Strategy, TokenRevoker {
  readonly lifetimeSeconds: number | null
  readonly keyPrefix: string
  readonly tokenStorage: TokenStorage
  readonly #redis: Redis | Cluster
  readonly #indexPrefix: string
  readonly #cache: AuthCache | null
  readonly #stored: StoredTokens

  constructor(options: RedisStrategyOptions) {
    this.#redis = boundedClient(options.redis, options.timeoutMs)
    this.lifetimeSeconds = options.lifetimeSeconds
    this.keyPrefix = checkKeyPrefix(options.keyPrefix ?? 'fastapi_users_token:')
    this.#indexPrefix = checkKeyPrefix(options.userIndexPrefix ?? 'fastify_users_user_tokens:', 'userIndexPrefix')
    this.tokenStorage = checkTokenStorage(options.tokenStorage ?? 'sha256')
    this.#cache = options.cache ?? null
    this.#stored = new StoredTokens(this.tokenStorage, RECENT_TOKENS)
    if (this.lifetimeSeconds !== null && !(Number.isInteger(this.lifetimeSeconds) && this.lifetimeSeconds > 0)) {
      throw new TypeError('lifetimeSeconds must be a positive whole number of seconds, or null')
    }
  }

  async readToken<U extends UserRecord>(token: string, users: UserLookup<U>): Promise<U | null> {
    const stored = this.#stored.of(token)
    if (stored === null) return null
    const userId = this.#cache === null ? await storeUnavailable(this.#redis.get(this.keyPrefix + stored)) : await this.#cachedUserId(this.#cache, stored)
    return userId === null ? null : users.get(userId)
  }

  async #cachedUserId(cache: AuthCache, stored: string): Promise<string | null> {
    const key = this.#cacheKey(stored)
    const cached = cache.get<CachedRedisToken>(key)
    if (cached !== undefined) return Date.now() < cached.expires_at ? cached.user_id : null
    const sequence = cache.sequence
    const [userId, ttl] = await storeUnavailable(this.#getWithTtl(this.keyPrefix + stored))
    // PTTL is -1 for a key without expiry, -2 for a key gone between the two commands.
    if (userId === null || ttl === -2) return null
    cache.setToken(key, { user_id: userId, expires_at: ttl === -1 ? Infinity : Date.now() + ttl }, sequence)
    return userId
  }

  /** A key's value and its PTTL, in one round trip. */
  async #getWithTtl(key: string): Promise<[string | null, number]> {
    const replies = await this.#redis.pipeline().get(key).pttl(key).exec()
    if (replies === null) throw new Error('Redis aborted the pipeline')
    for (const [error] of replies) if (error) throw error
    return [replies[0]![1] as string | null, replies[1]![1] as number]
  }

  /** The cache's name of a token: its stored form when that is a hash, else the stored form's hash. */
  #cacheKey(stored: string): string {
    return tokenKey(this.tokenStorage === 'sha256' ? stored : sha256Base64url(stored))
  }

  async writeToken(user: UserRecord): Promise<string> {
    const token = newOpaqueToken()
    const stored = storedToken(token, this.tokenStorage)!
    await storeUnavailable(this.#write(stored, user.id))
    return token
  }

  async destroyToken(token: string, user: UserRecord): Promise<void> {
    const stored = storedToken(token, this.tokenStorage)
    if (stored === null) return
    await this.revokeTokenKey(stored, user.id)
  }

  /** The token's key when keys hold hashes; `plain` keys are the token itself, a secret. */
  tokenKey(token: string): string | null {
    return this.tokenStorage === 'sha256' ? storedToken(token, 'sha256') : null
  }

  async revokeTokenKey(key: string, userId: string): Promise<void> {
    await storeUnavailable(this.#revoke(key, userId))
  }

  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    await storeUnavailable(this.#revokeAll(userId, options))
  }

  async #write(stored: string, userId: string): Promise<void> {
    const index = this.#redis.multi().sadd(this.#indexPrefix + userId, stored)
    // Every token lives `lifetime` from now at most, so the set may expire with the newest one
    // (a second later than the key, which is written after it).
    if (this.lifetimeSeconds !== null) index.expire(this.#indexPrefix + userId, this.lifetimeSeconds + 1)
    await execAll(index)
    if (this.lifetimeSeconds === null) await this.#redis.set(this.keyPrefix + stored, userId)
    else await this.#redis.set(this.keyPrefix + stored, userId, 'EX', this.lifetimeSeconds)
  }

  async #revoke(key: string, userId: string): Promise<void> {
    try {
      await this.#redis.del(this.keyPrefix + key)
    } finally {
      await this.#cache?.invalidate(this.#cacheKey(key))
    }
    await this.#redis.srem(this.#indexPrefix + userId, key)
  }

  async #revokeAll(userId: string, options: RevokeOptions): Promise<void> {
    try {
      await this.#deleteAll(userId, options)
    } finally {
      await this.#cache?.invalidate(userTokensKey(userId))
    }
  }

  async #deleteAll(userId: string, options: RevokeOptions): Promise<void> {
    const index = this.#indexPrefix + userId
    const kept = options.except === undefined ? null : storedToken(options.except, this.tokenStorage)
    const members = await this.#redis.smembers(index)
    const doomed = members.filter((member) => member !== kept)
    if (doomed.length === 0) return
    // One DEL per key: the keys are spread over the cluster's slots.
    await Promise.all(doomed.map((member) => this.#redis.del(this.keyPrefix + member)))
    await this.#redis.srem(index, ...doomed)
  }
}

/** Runs a MULTI and throws the first error of its replies. */
async function execAll(transaction: ReturnType<Redis['multi']> | ReturnType<Cluster['multi']>): Promise<void> {
  const results = await transaction.exec()
  if (results === null) throw new Error('Redis aborted the transaction')
  for (const [error] of results) if (error) throw error
}
