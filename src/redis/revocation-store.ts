/**
 * Revocation state in Redis, shared by every instance that uses the same Redis: a logout or a
 * "log out everywhere" on one instance is refused by all the others on their next request.
 *
 * Keys (under `keyPrefix`, default `fastify_users_revocation:`):
 * - `gen:<user id>`: a hash `{g: generation, k: kept token key}`, without expiry (one small key
 *   per user who was ever logged out everywhere);
 * - `deny:<token key>`: `1`, expiring at the token's own `exp` (`EXAT`), so Redis drops the entry
 *   when the token would have died anyway.
 *
 * - `epoch`: the time (microseconds) this Redis's revocation state began, without expiry.
 *
 * Redis may lose what it holds (a restart without persistence, `FLUSHALL`, an eviction policy
 * that evicts keys without expiry): a lost denial or generation would bring a logged-out token
 * back. The store fails closed instead: while `epoch` is missing every token is refused, and
 * the generation it hands to new tokens counts from the epoch (`epoch + per-user count`), so
 * every token issued before a loss carries a generation below every generation after it and
 * stays refused. The cost: a loss logs everybody out, once. What it cannot see is a failover
 * to a replica that lagged behind its primary (the epoch survived, the last writes did not):
 * only the SQL or MongoDB revocation store, the user database as the source of truth, is
 * durable against that (docs/revocation-durability.md).
 *
 * Redis Cluster: the keys live in different slots (the epoch is one key; a user's generation
 * and a token's denial are keyed by different things), so no operation spans them: `check`
 * sends its three single-key reads at once (GET + HMGET + EXISTS, one round trip on a single
 * Redis, one per node on a cluster), and `bump` is a MULTI on the user's one key, so two
 * concurrent bumps both count. The `epoch` key is read by every check: on a cluster, one node
 * answers all of those reads.
 */
import type { Cluster, Redis } from 'ioredis'
import type { RevocationState, RevocationStore } from '../revocation/store.ts'
import { boundedClient } from './bounded-client.ts'
import { checkKeyPrefix } from './keys.ts'

export interface RedisRevocationStoreOptions {
  /** An ioredis client or Redis Cluster client; the store never closes it. */
  redis: Redis | Cluster
  keyPrefix?: string
  /**
   * Milliseconds a Redis call may take before the request is answered 503 (default 1000;
   * `null`: no limit). Redis errors are answered 503 either way.
   */
  timeoutMs?: number | null
}

/**
 * @example
 * const revocation = new RedisRevocationStore({ redis: new Redis(process.env.REDIS_URL) })
 * const strategy = new JwtStrategy({ secret, lifetimeSeconds: 900, revocation })
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #redis: Redis | Cluster
  readonly #prefix: string

  constructor(options: RedisRevocationStoreOptions) {
    this.#redis = boundedClient(options.redis, options.timeoutMs)
    this.#prefix = checkKeyPrefix(options.keyPrefix ?? 'fastify_users_revocation:')
  }

  async check(userId: string, tokenKey: string): Promise<RevocationState> {
    const [epoch, [generation, kept], denied] = await Promise.all([
      this.#redis.get(this.#epochKey()),
      this.#redis.hmget(this.#generationKey(userId), 'g', 'k'),
      this.#redis.exists(this.#denyKey(tokenKey)),
    ])
    // No epoch: this Redis lost its state, and whatever it says of this token may be a lie.
    if (epoch === null) return { generation: Number.MAX_SAFE_INTEGER, kept: null, denied: true }
    return {
      // A user never logged out everywhere has no `g`: `Number(null)` is 0.
      generation: Number(epoch) + Number(generation),
      kept: kept ?? null,
      denied: denied > 0,
    }
  }

  async generation(userId: string): Promise<number> {
    const [epoch, generation] = await Promise.all([
      // Microseconds: a user would need a million bumps per second of the previous epoch's
      // life to reach the next epoch's first generation. Then the epoch that stayed, this one
      // or an older one (`SET NX GET` would need Redis 7).
      this.#redis.set(this.#epochKey(), String(Date.now() * 1000), 'NX').then(() => this.#redis.get(this.#epochKey())),
      this.#redis.hget(this.#generationKey(userId), 'g'),
    ])
    return Number(epoch) + Number(generation)
  }

  async bump(userId: string, keep: string | null = null): Promise<void> {
    const key = this.#generationKey(userId)
    const transaction = this.#redis.multi().hincrby(key, 'g', 1)
    if (keep === null) transaction.hdel(key, 'k')
    else transaction.hset(key, 'k', keep)
    // A failed command of the MULTI (a key of the wrong type) is a reply, not a rejection.
    // Stryker disable next-line ArrayDeclaration: equivalent, exec() is null only for a MULTI that WATCHed a key
    for (const [error] of (await transaction.exec()) ?? []) if (error) throw error
  }

  async deny(tokenKey: string, expiresAt: number | null): Promise<void> {
    const key = this.#denyKey(tokenKey)
    if (expiresAt === null) await this.#redis.set(key, '1')
    else if (expiresAt > Date.now() / 1000) await this.#redis.set(key, '1', 'EXAT', expiresAt)
  }

  #epochKey(): string {
    return `${this.#prefix}epoch`
  }

  #generationKey(userId: string): string {
    return `${this.#prefix}gen:${userId}`
  }

  #denyKey(tokenKey: string): string {
    return `${this.#prefix}deny:${tokenKey}`
  }
}
