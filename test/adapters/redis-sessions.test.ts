/**
 * RedisSessionStore under the shared session-store contract (suite-sessions.ts), on a single
 * Redis and on a private three-master Redis Cluster: each user's sessions are one hash under a
 * hash tag, so every script touches one slot; and the memory store under the same contract.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Cluster, Redis } from 'ioredis'
import { RedisSessionStore } from '../../src/redis/index.ts'
import { MemorySessionStore } from '../../src/index.ts'
import type { SessionStore } from '../../src/sessions/store.ts'
import { startPrivateRedisCluster, type PrivateRedisCluster } from '../support/private-redis-cluster.ts'
import { openTestRedis, openTestRedisCluster, type TestRedis } from '../support/redis.ts'
import { requireRedis } from '../support/services.ts'
import { sessionStoreTests } from './suite-sessions.ts'

describe('MemorySessionStore', () => {
  let store: SessionStore
  beforeEach(() => {
    store = new MemorySessionStore()
  })
  sessionStoreTests(() => store)
})

function redisSuite(name: string, open: () => Promise<{ redis: TestRedis<Redis | Cluster>; close(): Promise<void> } | null>): void {
  describe(name, () => {
    let target: { redis: TestRedis<Redis | Cluster>; close(): Promise<void> } | null = null
    let store: SessionStore
    let run = 0
    beforeAll(async () => {
      target = await open()
    })
    afterAll(async () => {
      await target?.close()
    })
    beforeEach((context) => {
      if (target === null) return context.skip()
      store = new RedisSessionStore({ redis: target.redis.redis, keyPrefix: `${target.redis.prefix}${++run}:` })
    })
    sessionStoreTests(() => store)

    it('a user\'s sessions are one hash under the user\'s hash tag, expiring with its longest-lived session', async (context) => {
      if (target === null) return context.skip()
      const prefix = `${target.redis.prefix}tag:`
      const s = new RedisSessionStore({ redis: target.redis.redis, keyPrefix: prefix })
      const userId = '0190a0f0-0000-7000-8000-0000000000aa'
      const now = Math.floor(Date.now() / 1000)
      const base = {
        userId, backend: 'jwt', accessTokenKey: null, familyId: null, createdAt: now, lastUsedAt: now, userAgent: null, clientAddress: null,
      }
      await s.create({ ...base, id: 'a', accessTokenHash: 'hash-a', expiresAt: now + 100 })
      await s.create({ ...base, id: 'b', accessTokenHash: 'hash-b', expiresAt: now + 1000 })
      const key = `${prefix}{${userId}}`
      expect(await target.redis.redis.ttl(key)).toBeGreaterThan(900)
      expect((await target.redis.redis.hkeys(key)).sort()).toEqual(['s:a', 's:b', 't:hash-a', 't:hash-b'])
      await s.create({ ...base, id: 'c', accessTokenHash: 'hash-c', expiresAt: null })
      expect(await target.redis.redis.ttl(key)).toBe(-1)
    })
  })
}

redisSuite('RedisSessionStore', async () => {
  const url = await requireRedis()
  if (url === null) return null
  const redis = openTestRedis(url)
  return { redis, close: redis.close }
})

redisSuite('RedisSessionStore on a Redis Cluster', async () => {
  const cluster: PrivateRedisCluster | null = await startPrivateRedisCluster()
  if (cluster === null) return null
  const redis = openTestRedisCluster(cluster.client())
  return {
    redis,
    async close() {
      await redis.close()
      await cluster.stop()
    },
  }
})
