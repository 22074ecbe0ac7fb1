/**
 * The example's sessions, from its configuration: the access-token strategy (AUTH_STRATEGY),
 * where revocation state lives, and refresh tokens (REFRESH_LIFETIME). Everything that must
 * be shared by several instances is, and every revocation is durable: JWT logouts live in the
 * user database (SQL or MongoDB), REDIS_URL or not, so that Redis losing its data (a restart
 * without persistence, FLUSHALL, a failover to a replica that lagged) cannot bring a logged-out
 * token back (docs/revocation-durability.md). The `redis` strategy's tokens live in Redis, and
 * die with its data.
 */
import type { FastifyInstance } from 'fastify'
import {
  cachedAccessTokenDatabase,
  cachedRevocationStore,
  cachedUserDatabase,
  DatabaseStrategy,
  JwtStrategy,
  openAuthCache,
  type AuthCache,
  type RefreshOptions,
  type RevocationStore,
  type Strategy,
  type SessionStore,
  type User,
  type UserDatabase,
} from 'fastify-users'
import { connectRedis, connectRedisCluster, connectRedisSentinel, redisInvalidationChannel, RedisSessionStore, RedisStrategy } from 'fastify-users/redis'
import type { Cluster, Redis } from 'ioredis'
import { ConfigError, type Config } from './config.ts'
import type { ExampleStore } from './database.ts'

export interface Sessions {
  strategy: Strategy
  /** Refresh options for both backends, or `undefined` when REFRESH_LIFETIME is not set. */
  refresh: RefreshOptions | undefined
  /** The Redis client of REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, for /health/ready; `null` without one. */
  redis: Redis | Cluster | null
  /** The user database, through the auth cache when AUTH_CACHE is on. */
  users: UserDatabase<User>
  /** Where sessions are recorded for `GET /users/me/sessions` (docs/sessions.md); `null`: nowhere. */
  sessions: SessionStore | null
}

export async function buildSessions(config: Config, store: ExampleStore, app: FastifyInstance): Promise<Sessions> {
  // Connected before the server listens: an unreachable Redis stops the start in one line.
  const redis = await connectConfiguredRedis(config, (error) => app.log.warn(`Redis is unavailable (${error.message}); reconnecting`))
  if (redis !== null) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())))
  const lifetimeSeconds = config.jwtLifetime
  let users = store.users
  let revocation: RevocationStore | null = store.revocation
  let cache: AuthCache | null = null
  if (config.authCache) {
    // Redis pub/sub where a single Redis (or a Sentinel's master) is configured, else the
    // database's own notifications (PostgreSQL), else none: entries then expire after a second
    // (docs/auth-cache.md). A Redis Cluster's pub/sub is not used for it yet.
    const channel =
      redis !== null && !redis.isCluster
        ? redisInvalidationChannel({ redis: redis as Redis, channel: `${config.redisKeyPrefix}fastify-users:cache` })
        : (store.cacheChannel?.() ?? null)
    const opened = await openAuthCache({ channel })
    app.addHook('onClose', () => opened.close())
    cache = opened
    users = cachedUserDatabase(users, cache)
    if (revocation !== null) revocation = cachedRevocationStore(revocation, cache)
  }
  let strategy: Strategy
  switch (config.authStrategy) {
    case 'database':
      strategy = new DatabaseStrategy({ accessTokenDb: cache === null ? store.accessTokens : cachedAccessTokenDatabase(store.accessTokens, cache), lifetimeSeconds })
      break
    case 'redis':
      strategy = new RedisStrategy({ redis: redis!, lifetimeSeconds, cache })
      break
    case 'jwt':
      // Without a store of the database's, JwtStrategy keeps logouts in this process and warns.
      strategy = new JwtStrategy({ secret: config.secret, lifetimeSeconds, ...(revocation === null ? {} : { revocation }) })
      break
  }
  if (config.refreshLifetime !== null && store.refreshTokens === null) {
    throw new ConfigError('REFRESH_LIFETIME needs a database that stores refresh tokens')
  }
  const refresh: RefreshOptions | undefined =
    config.refreshLifetime === null
      ? undefined
      : {
          store: store.refreshTokens!,
          lifetimeSeconds: config.refreshLifetime,
          cookie: { secure: config.cookieSecure },
          // Every instance derives the same successor, so a repeated refresh is idempotent on any
          // of them; a short development SECRET leaves the library's per-process key.
          ...(config.secret.length >= 32 ? { successorSecret: config.secret } : {}),
        }
  // The Redis strategy's sessions are listed beside its tokens; the others' in the database.
  const sessions = config.authStrategy === 'redis' ? new RedisSessionStore({ redis: redis! }) : store.sessions
  return { strategy, refresh, redis, users, sessions }
}

function connectConfiguredRedis(config: Config, onError: (error: Error) => void): Promise<Redis | Cluster | null> {
  const keyPrefix = config.redisKeyPrefix
  if (config.redisClusterNodes !== null) {
    const { maxRetriesPerRequest, commandTimeout, connectTimeout, enableOfflineQueue, retryStrategy } = FAIL_FAST
    return connectRedisCluster(config.redisClusterNodes, {
      keyPrefix,
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
      redisOptions: { maxRetriesPerRequest, commandTimeout, connectTimeout },
      onError,
    })
  }
  if (config.redisSentinel !== null) {
    // Without ioredis' `failoverDetector`: its disconnect can land while the client is already
    // reconnecting through the sentinels, which ends the client for good ("Connection is
    // closed." until a restart). A dead master closes the connection, which suffices.
    return connectRedisSentinel(config.redisSentinel.sentinels, config.redisSentinel.name, { keyPrefix, ...FAIL_FAST, onError })
  }
  if (config.redisUrl !== null) return connectRedis(config.redisUrl, { keyPrefix, ...FAIL_FAST, onError })
  return Promise.resolve(null)
}

/**
 * A Redis client that fails fast: a command that Redis does not answer within a second fails
 * (`commandTimeout`), is retried once at most while reconnecting, and is refused at once while
 * Redis is down (no offline queue), so requests get a 503 instead of waiting. The client
 * reconnects on its own; its connection errors go to the log, never to the process.
 */
const FAIL_FAST = {
  commandTimeout: 1000,
  connectTimeout: 1000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
}
