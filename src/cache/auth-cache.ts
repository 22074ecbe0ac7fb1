/**
 * A hot-path cache of what authenticating a request reads: the user of an id and its roles, the
 * revocation state of a user and of a token (JWT), and the owner of an opaque token (database
 * and Redis strategies) (issue 14). Read-through and bounded (an LRU with a
 * size and a time to live), it is wrapped around the stores (`cachedUserDatabase`,
 * `cachedRevocationStore`) so the strategies and the manager stay as they are.
 *
 * Correctness comes before hits:
 * - every write through a wrapped store forgets the entries it changes before it resolves, in
 *   this process, and publishes their keys on the invalidation channel, so the instance that
 *   handled a logout refuses the token on the very next request, and the others within the
 *   channel's delay;
 * - a read that was in flight while any invalidation arrived is not cached: it may have read
 *   the state from before the write;
 * - while the channel is down (or before it is first up) the cache is bypassed and emptied, so
 *   a lost message can never keep a revoked token or a deactivated user alive;
 * - with no channel at all (`channel: null`: one instance, or a fallback where the database has
 *   no notifications) entries live `ttlMs` at most, which is then the delay other instances
 *   may take to see a write.
 */
import { LRUCache } from 'lru-cache'
import { ServiceUnavailableError } from '../errors.ts'
import type { UserRecord } from '../user.ts'
import type { InvalidationChannel } from './invalidation-channel.ts'

export interface AuthCacheOptions {
  /**
   * How other instances learn of writes: `postgresInvalidationChannel` (fastify-users/kysely),
   * `redisInvalidationChannel` (fastify-users/redis), or `null` when there is none and entries
   * only expire (one instance, or a short `ttlMs` across several).
   */
  channel: InvalidationChannel | null
  /** Entries kept at most, users, revocation states and tokens together (default 100,000). */
  maxEntries?: number
  /** Milliseconds an entry is trusted at most (default 30,000 with a channel, 1,000 without). */
  ttlMs?: number
}

/**
 * An opaque token's owner as the database and Redis strategies cache it: the user it names and
 * whatever the strategy needs to tell that it expired. Each joins its user's group, so that a
 * log out everywhere forgets every token of the user with one message.
 */
export interface CachedToken {
  user_id: string
}

/** A user's roles, which `/users/me` and the role guards read on every request. */
export interface CachedRoles {
  roles: string[]
}

type Entry = UserRecord | { generation: number; kept: string | null } | boolean | CachedToken | CachedRoles

/** Keys of the cache and of the channel's messages: a prefix per kind of entry. */
export const userKey = (id: string): string => `u:${id}`
export const rolesKey = (userId: string): string => `r:${userId}`
export const generationKey = (userId: string): string => `g:${userId}`
export const deniedKey = (tokenKey: string): string => `d:${tokenKey}`
/** An opaque token, by its stored form's SHA-256 (never the token: messages are no secret). */
export const tokenKey = (tokenHash: string): string => `t:${tokenHash}`
/** Every cached token of a user: what a log out everywhere publishes. */
export const userTokensKey = (userId: string): string => `ut:${userId}`

/**
 * @example
 * const cache = await openAuthCache({ channel: postgresInvalidationChannel({ connectionString }) })
 * const users = cachedUserDatabase(store.users, cache)
 * const revocation = cachedRevocationStore(new KyselyRevocationStore(store), cache)
 */
export class AuthCache {
  readonly #entries: LRUCache<string, Entry>
  readonly #channel: InvalidationChannel | null
  /** The cached tokens of each user (`userTokensKey`), bounded by the entries themselves. */
  readonly #tokensOfUser = new Map<string, Set<string>>()
  #live: boolean
  /** Bumped by every invalidation: a read that saw it change does not cache what it read. */
  #sequence = 0

  constructor(options: AuthCacheOptions) {
    this.#channel = options.channel
    this.#live = options.channel === null
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 100_000,
      ttl: options.ttlMs ?? (options.channel === null ? 1_000 : 30_000),
      updateAgeOnGet: false,
      // A token leaving the cache (evicted, expired, forgotten) leaves its user's group.
      dispose: (value, key) => {
        if (key.startsWith('t:')) this.#leaveGroup((value as CachedToken).user_id, key)
      },
    })
  }

  /** Whether entries are served now (the channel is up, or there is none). */
  get live(): boolean {
    return this.#live
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size
  }

  async open(): Promise<void> {
    await this.#channel?.open({
      invalidate: (key) => this.#forget(key),
      up: () => {
        // Messages published while down are lost: start from nothing.
        this.#clear()
        this.#live = true
      },
      down: () => {
        this.#live = false
        this.#clear()
      },
    })
  }

  async close(): Promise<void> {
    this.#live = false
    this.#clear()
    await this.#channel?.close()
  }

  /** The entry of `key`, or `undefined` when it is not cached or the cache is not live. */
  get<T extends Entry>(key: string): T | undefined {
    return this.#live ? (this.#entries.get(key) as T | undefined) : undefined
  }

  /** Where a read-through starts: pass it to `set` with what was read. */
  get sequence(): number {
    return this.#sequence
  }

  /** Caches `value` unless an invalidation arrived since `sequence` or the cache is not live. */
  set(key: string, value: Entry, sequence: number): void {
    if (this.#live && sequence === this.#sequence) this.#entries.set(key, value)
  }

  /** Caches a token as `set` does, in its user's group. */
  setToken<T extends CachedToken>(key: string, token: T, sequence: number): void {
    if (!this.#live || sequence !== this.#sequence) return
    this.#entries.set(key, token)
    const group = userTokensKey(token.user_id)
    const members = this.#tokensOfUser.get(group)
    if (members === undefined) this.#tokensOfUser.set(group, new Set([key]))
    else members.add(key)
  }

  /**
   * Forgets `keys` here at once, then tells the other instances. A write whose message cannot
   * be sent is answered 503, so the client retries; the other instances hold the old state for
   * `ttlMs` at most (their channel is most likely down too, and then they cache nothing).
   */
  async invalidate(...keys: string[]): Promise<void> {
    for (const key of keys) this.#forget(key)
    if (this.#channel === null) return
    try {
      await Promise.all(keys.map((key) => this.#channel!.publish(key)))
    } catch (error) {
      throw new ServiceUnavailableError({ cause: error })
    }
  }

  #forget(key: string): void {
    this.#sequence++
    this.#entries.delete(key)
    const members = this.#tokensOfUser.get(key)
    if (members === undefined) return
    // Out of the index first: each deletion's `dispose` then finds no group to leave.
    this.#tokensOfUser.delete(key)
    for (const member of members) this.#entries.delete(member)
  }

  #leaveGroup(userId: string, key: string): void {
    const group = userTokensKey(userId)
    const members = this.#tokensOfUser.get(group)
    if (members === undefined) return
    members.delete(key)
    if (members.size === 0) this.#tokensOfUser.delete(group)
  }

  #clear(): void {
    this.#sequence++
    this.#tokensOfUser.clear()
    this.#entries.clear()
  }
}

/** An `AuthCache` whose channel has been opened. */
export async function openAuthCache(options: AuthCacheOptions): Promise<AuthCache> {
  const cache = new AuthCache(options)
  await cache.open()
  return cache
}
