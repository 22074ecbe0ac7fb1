/**
 * RedisStrategy (CONTRACT §7) on a real Redis, over HTTP: `fastapi_users_token:<token>` holds
 * the user id with TTL = lifetime (the key holds the token's SHA-256 by default, the token
 * itself with `tokenStorage: 'plain'`, as FastAPI Users); logout deletes the key; log out
 * everywhere, password reset and deletion delete every key of the user; deactivation only
 * suspends them. The same suite runs on a private three-master Redis Cluster.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisStrategy } from '../../src/redis/index.ts'
import { sha256Base64url } from '../../src/opaque-token.ts'
import { requireRedis } from '../support/services.ts'
import type { Cluster, Redis } from 'ioredis'
import { openTestRedis, openTestRedisCluster, type TestRedis } from '../support/redis.ts'
import { startPrivateRedisCluster } from '../support/private-redis-cluster.ts'
import { buildSessionApp, openSqliteStore, type OpenedStore, type SessionApp } from '../support/session-app.ts'

interface Target {
  redis: TestRedis<Redis | Cluster>
  close(): Promise<void>
}

function strategySuite(name: string, open: () => Promise<Target | null>): void {
  describe(name, () => {
    let target: Target | null = null
    let redis: TestRedis<Redis | Cluster> | null = null
    let opened: OpenedStore
    let t: SessionApp
    let plain: SessionApp
    let short: SessionApp
    let prefix: string
    beforeAll(async () => {
      target = await open()
      if (target === null) return
      redis = target.redis
      opened = await openSqliteStore()
      prefix = `${redis.prefix}fastapi_users_token:`
      const strategy = (options: { lifetimeSeconds: number; tokenStorage?: 'plain' }) =>
        new RedisStrategy({ redis: redis!.redis, keyPrefix: prefix, userIndexPrefix: `${redis!.prefix}user:`, ...options })
      t = await buildSessionApp({ store: opened.store, strategy: strategy({ lifetimeSeconds: 3600 }) })
      plain = await buildSessionApp({ store: opened.store, strategy: strategy({ lifetimeSeconds: 3600, tokenStorage: 'plain' }) })
      short = await buildSessionApp({ store: opened.store, strategy: strategy({ lifetimeSeconds: 1 }) })
    })
    afterAll(async () => {
      if (!redis) return
      await Promise.all([t.close(), plain.close(), short.close()])
      await opened.drop()
      await target!.close()
    })

    it('keys the SHA-256 of a 43-character token to the user id, expiring with the lifetime', async (ctx) => {
      if (!redis) return ctx.skip()
      const { user, password } = await t.createUser()
      const token = await t.token(user, password)
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(await t.me(token)).toBe(200)
      expect(await redis.redis.get(prefix + token)).toBeNull()
      const key = prefix + sha256Base64url(token)
      expect(await redis.redis.get(key)).toBe(user.id)
      const ttl = await redis.redis.ttl(key)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(3600)
    })

    it("with tokenStorage 'plain', reads and writes keys as FastAPI Users does", async (ctx) => {
      if (!redis) return ctx.skip()
      const { user, password } = await plain.createUser()
      const upstream = randomBytes(32).toString('base64url')
      await redis.redis.set(prefix + upstream, user.id, 'EX', 3600)
      expect(await plain.me(upstream)).toBe(200)
      expect(await t.me(upstream)).toBe(401)
      const token = await plain.token(user, password)
      expect(await redis.redis.get(prefix + token)).toBe(user.id)
    })

    it('refuses a token once Redis has expired its key', async (ctx) => {
      if (!redis) return ctx.skip()
      const { user, password } = await short.createUser()
      const token = await short.token(user, password)
      const key = prefix + sha256Base64url(token)
      expect(await redis.redis.ttl(key)).toBe(1)
      const deadline = Date.now() + 10_000
      while ((await redis.redis.exists(key)) === 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
      expect(await short.me(token)).toBe(401)
    })

    it('deletes the key at logout: that token is refused at once, the others still work', async (ctx) => {
      if (!redis) return ctx.skip()
      const { user, password } = await t.createUser()
      const [a, b] = [await t.token(user, password), await t.token(user, password)]
      expect((await t.post('/auth/jwt/logout', { token: a })).statusCode).toBe(204)
      expect(await redis.redis.exists(prefix + sha256Base64url(a))).toBe(0)
      expect(await t.me(a)).toBe(401)
      expect(await t.me(b)).toBe(200)
    })

    it("ends every token of the user at logout-all, and only that user's", async (ctx) => {
      if (!redis) return ctx.skip()
      const { user, password } = await t.createUser()
      const other = await t.createUser()
      const [a, b] = [await t.token(user, password), await t.token(user, password)]
      const theirs = await t.token(other.user, other.password)
      expect((await t.post('/auth/cookie/logout-all', { token: a })).statusCode).toBe(204)
      expect(await t.me(a)).toBe(401)
      expect(await t.me(b)).toBe(401)
      expect(await t.me(theirs)).toBe(200)
    })

    it('ends every token at a password reset, suspends them while the user is inactive, and deletes them with the user', async (ctx) => {
      if (!redis) return ctx.skip()
      const { user, password } = await t.createUser()
      const before = await t.token(user, password)
      await t.resetPassword(user, 'a brand new password')
      expect(await t.me(before)).toBe(401)
      const after = await t.token(user, 'a brand new password')

      const stored = (await t.users.manager.get(user.id))!
      await t.users.manager.update(stored, { is_active: false })
      expect(await t.me(after)).toBe(401)
      await t.users.manager.update(stored, { is_active: true })
      expect(await t.me(after)).toBe(200)

      await t.users.manager.delete(stored)
      expect(await redis.redis.exists(prefix + sha256Base64url(after))).toBe(0)
      expect(await t.me(after)).toBe(401)
    })
  })
}

strategySuite('RedisStrategy', async () => {
  const url = await requireRedis()
  if (url === null) return null
  const redis = openTestRedis(url)
  return { redis, close: redis.close }
})

strategySuite('RedisStrategy on a Redis Cluster', async () => {
  const cluster = await startPrivateRedisCluster()
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
