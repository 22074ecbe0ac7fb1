/**
 * fastify-users on Redis: the Redis strategy (opaque tokens), and the Redis stores of JWT
 * revocation and of rate limits, for any number of instances sharing one Redis, a Redis
 * Cluster or a Sentinel-managed Redis (docs/scaling.md).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { RedisRevocationStore } from 'fastify-users/redis'
 *
 * const revocation = new RedisRevocationStore({ redis: new Redis(process.env.REDIS_URL!) })
 * ```
 */
export {
  connectRedis,
  connectRedisCluster,
  connectRedisSentinel,
  type ConnectRedisClusterOptions,
  type ConnectRedisOptions,
} from './connect.ts'
export { redisInvalidationChannel, type RedisInvalidationChannelOptions } from './invalidation-channel.ts'
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './rate-limit-store.ts'
export { RedisRevocationStore, type RedisRevocationStoreOptions } from './revocation-store.ts'
export { RedisSessionStore, type RedisSessionStoreOptions } from './session-store.ts'
export { RedisStrategy, type RedisStrategyOptions } from './strategy.ts'
