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
  KyselyRefreshTokenStore,
  KyselyRevocationStore,
  RedisRevocationStore,
  RedisStrategy,
  type RefreshOptions,
  type Strategy,
} from 'fastify-users'
import type { KyselyUserStore } from 'fastify-users/kysely'
import { Redis } from 'ioredis'
import type { Config } from './config.ts'

export interface Sessions {
  strategy: Strategy
  /** Refresh options for both backends, or `undefined` when REFRESH_LIFETIME is not set. */
  refresh: RefreshOptions | undefined
}

export function buildSessions(config: Config, store: KyselyUserStore, app: FastifyInstance): Sessions {
  const redis = config.redisUrl === null ? null : new Redis(config.redisUrl, { keyPrefix: config.redisKeyPrefix })
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
      const revocation =
        redis === null ? new KyselyRevocationStore({ db: store.db, dialect: store.dialect }) : new RedisRevocationStore({ redis })
      strategy = new JwtStrategy({ secret: config.secret, lifetimeSeconds, revocation })
      break
    }
  }
  const refresh: RefreshOptions | undefined =
    config.refreshLifetime === null
      ? undefined
      : { store: new KyselyRefreshTokenStore({ db: store.db }), lifetimeSeconds: config.refreshLifetime, cookie: { secure: config.cookieSecure } }
  return { strategy, refresh }
}
