/**
 * The example's sessions, from its configuration: the access-token strategy (AUTH_STRATEGY),
 * where revocation state lives, and refresh tokens (REFRESH_LIFETIME). Everything that must
 * be shared by several instances is: with REDIS_URL, JWT logouts live in Redis; without it, in
 * the SQL database (never only in one process's memory).
 */
import type { FastifyInstance } from 'fastify'
import {
  DatabaseStrategy,
  JwtStrategy,
  type RefreshOptions,
  type Strategy,
} from 'fastify-users'
import { connectRedis, RedisRevocationStore, RedisStrategy } from 'fastify-users/redis'
import { ConfigError, type Config } from './config.ts'
import type { ExampleStore } from './database.ts'

export interface Sessions {
  strategy: Strategy
  /** Refresh options for both backends, or `undefined` when REFRESH_LIFETIME is not set. */
  refresh: RefreshOptions | undefined
}

export async function buildSessions(config: Config, store: ExampleStore, app: FastifyInstance): Promise<Sessions> {
  // Connected before the server listens: an unreachable Redis stops the start in one line.
  const redis =
    config.redisUrl === null
      ? null
      : await connectRedis(config.redisUrl, {
          keyPrefix: config.redisKeyPrefix,
          onError: (error) => app.log.warn(`Redis connection lost (${error.message}); reconnecting`),
        })
  if (redis !== null) app.addHook('onClose', async () => void (await redis.quit()))
  const lifetimeSeconds = config.jwtLifetime
  let strategy: Strategy
  switch (config.authStrategy) {
    case 'database':
      strategy = new DatabaseStrategy({ accessTokenDb: store.accessTokens, lifetimeSeconds })
      break
    case 'redis':
      strategy = new RedisStrategy({ redis: redis!, lifetimeSeconds })
      break
    case 'jwt': {
      // Without a shared store, JwtStrategy keeps logouts in this process and warns.
      const revocation = redis === null ? store.revocation : new RedisRevocationStore({ redis })
      strategy = new JwtStrategy({ secret: config.secret, lifetimeSeconds, ...(revocation === null ? {} : { revocation }) })
      break
    }
  }
  if (config.refreshLifetime !== null && store.refreshTokens === null) {
    throw new ConfigError('REFRESH_LIFETIME needs a database that stores refresh tokens')
  }
  const refresh: RefreshOptions | undefined =
    config.refreshLifetime === null
      ? undefined
      : { store: store.refreshTokens!, lifetimeSeconds: config.refreshLifetime, cookie: { secure: config.cookieSecure } }
  return { strategy, refresh }
}
