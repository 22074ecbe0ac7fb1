/**
 * Threat: brute force spread over time, over concurrent requests, or over several instances.
 * Both stores keep the same contract, and the Redis store (against the real Redis, and a private
 * three-master Redis Cluster) shares its counts between instances and stays atomic under
 * concurrency.
 */
import { Redis, type Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LOGIN_BACKOFF } from '../../src/security/login-throttle.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'
import type { RateLimitStore } from '../../src/security/rate-limit-store.ts'
import { RedisRateLimitStore } from '../../src/redis/rate-limit-store.ts'
import { requireRedis, uniqueName } from '../support/services.ts'
import { uniqueEmail } from '../support/app.ts'
import { startPrivateRedisCluster, type PrivateRedisCluster } from '../support/private-redis-cluster.ts'
import { buildSecureApp, loginRequest } from './app.ts'

const policy = { ...DEFAULT_LOGIN_BACKOFF, freeFailures: 3, baseDelayMs: 1000, maxFailures: 6, lockoutMs: 60_000 }

function storeContract(name: string, makeStore: () => RateLimitStore | null | Promise<RateLimitStore | null>) {
  describe(name, () => {
    let store: RateLimitStore
    beforeAll(async function () {
      const made = await makeStore()
      if (made) store = made
    })
    const skip = () => store === undefined

    it('counts hits per fixed window and reports the previous window', async (ctx) => {
      if (skip()) return ctx.skip()
      const key = uniqueName('hits')
      const t0 = 5_000_000
      expect(await store.hit(key, 1000, t0)).toEqual({ current: 1, previous: 0 })
      expect(await store.hit(key, 1000, t0 + 10)).toEqual({ current: 2, previous: 0 })
      expect(await store.hit(key, 1000, t0 + 1000)).toEqual({ current: 1, previous: 2 })
      expect(await store.hit(`${key}-other`, 1000, t0 + 1000)).toEqual({ current: 1, previous: 0 })
    })

    it('schedules backoff after the free failures, locks at the maximum, and forgets on clear', async (ctx) => {
      if (skip()) return ctx.skip()
      const key = uniqueName('attempts')
      let now = 1_000_000
      for (let i = 1; i <= 3; i++) expect(await store.attempt(key, policy, now)).toMatchObject({ allowed: true, retryAfterMs: 0, failures: i })
      expect(await store.attempt(key, policy, now)).toEqual({ allowed: false, retryAfterMs: 1000, failures: 3 })
      now += 1000
      expect((await store.attempt(key, policy, now)).allowed).toBe(true)
      expect(await store.attempt(key, policy, now + 1999)).toEqual({ allowed: false, retryAfterMs: 1, failures: 4 })
      now += 2000
      expect((await store.attempt(key, policy, now)).failures).toBe(5)
      now += 4000
      expect((await store.attempt(key, policy, now)).failures).toBe(6)
      expect(await store.attempt(key, policy, now + 59_999)).toEqual({ allowed: false, retryAfterMs: 1, failures: 6 })
      await store.clear(key)
      expect(await store.attempt(key, policy, now)).toMatchObject({ allowed: true, retryAfterMs: 0, failures: 1 })
    })

    it('takes an attempt back as if it never happened, and never a cleared one', async (ctx) => {
      if (skip()) return ctx.skip()
      const key = uniqueName('release')
      const now = 3_000_000
      await store.attempt(key, policy, now)
      await store.attempt(key, policy, now)
      // The third failure would cost a wait; taken back, it costs nothing.
      const third = await store.attempt(key, policy, now)
      expect(third).toMatchObject({ allowed: true, failures: 3 })
      await store.release(key, third.undo!, policy, now)
      expect(await store.attempt(key, policy, now)).toMatchObject({ allowed: true, failures: 3 })
      expect((await store.attempt(key, policy, now)).allowed).toBe(false)

      const fresh = uniqueName('release-fresh')
      const only = await store.attempt(fresh, policy, now)
      await store.release(fresh, only.undo!, policy, now)
      expect(await store.attempt(fresh, policy, now)).toMatchObject({ failures: 1 })
      // Cleared and counted again since: the old attempt's undo belongs to another counter.
      await store.clear(fresh)
      await store.attempt(fresh, policy, now)
      await store.release(fresh, only.undo!, policy, now)
      expect(await store.attempt(fresh, policy, now)).toMatchObject({ failures: 2 })
    })

    it('takes back an earlier one of several attempts: one failure fewer, waiting as the rest would', async (ctx) => {
      if (skip()) return ctx.skip()
      const key = uniqueName('release-earlier')
      const now = 4_000_000
      await store.attempt(key, policy, now)
      const second = await store.attempt(key, policy, now)
      await store.attempt(key, policy, now)
      expect(await store.attempt(key, policy, now)).toEqual({ allowed: false, retryAfterMs: 1000, failures: 3 })
      expect((await store.attempt(key, policy, now + 1000)).failures).toBe(4)
      // Three failures remain, the last at now + 1000: their wait is 1 s from it, not 2 s.
      await store.release(key, second.undo!, policy, now + 1000)
      expect(await store.attempt(key, policy, now + 1999)).toEqual({ allowed: false, retryAfterMs: 1, failures: 3 })
      expect(await store.attempt(key, policy, now + 2000)).toMatchObject({ allowed: true, failures: 4 })
    })

    it('lets exactly the free attempts through a burst of concurrent ones', async (ctx) => {
      if (skip()) return ctx.skip()
      const key = uniqueName('burst')
      const verdicts = await Promise.all(Array.from({ length: 50 }, () => store.attempt(key, policy, 2_000_000)))
      expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(3)
      const hits = await Promise.all(Array.from({ length: 50 }, () => store.hit(key, 60_000, 2_000_000)))
      expect(hits.map((counts) => counts.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    })
  })
}

storeContract('MemoryRateLimitStore', () => new MemoryRateLimitStore())

let redisUrl: string | null = null
const clients: Redis[] = []
const prefix = `${uniqueName('fu_limit')}:`
beforeAll(async () => {
  redisUrl = await requireRedis()
})
afterAll(async () => {
  if (clients[0]) {
    const keys = await clients[0].keys(`${prefix}*`)
    if (keys.length > 0) await clients[0].del(...keys)
  }
  await Promise.all(clients.map((client) => client.quit()))
})
function redisStore(): RedisRateLimitStore | null {
  if (redisUrl === null) return null
  const client = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 })
  clients.push(client)
  return new RedisRateLimitStore(client, { keyPrefix: prefix })
}

storeContract('RedisRateLimitStore', redisStore)

let cluster: PrivateRedisCluster | null = null
let clusterClient: Cluster | null = null
afterAll(async () => {
  await clusterClient?.quit()
  await cluster?.stop()
})
storeContract('RedisRateLimitStore on a Redis Cluster', async () => {
  cluster = await startPrivateRedisCluster()
  if (cluster === null) return null
  clusterClient = cluster.client()
  return new RedisRateLimitStore(clusterClient)
})

describe('two instances sharing a Redis store', () => {
  it('share the per-address limit and the per-email throttle', async (ctx) => {
    const [storeA, storeB] = [redisStore(), redisStore()]
    if (!storeA || !storeB) return ctx.skip()
    const security = (store: RedisRateLimitStore) => ({ store, rateLimit: { login: { limit: 4, windowSeconds: 60 } } })
    const a = await buildSecureApp({ security: security(storeA) })
    const b = await buildSecureApp({ security: security(storeB) })
    try {
      const statuses = []
      for (let i = 0; i < 5; i++) statuses.push((await (i % 2 ? a : b).app.inject(loginRequest(uniqueEmail(), 'password-x', { remoteAddress: '198.51.100.77' }))).statusCode)
      expect(statuses).toEqual([400, 400, 400, 400, 429])

      const email = uniqueEmail('shared')
      const guesses = []
      for (let i = 0; i < 11; i++) guesses.push((await (i % 2 ? a : b).app.inject(loginRequest(email, `guess-${i}`, { remoteAddress: `198.51.100.${i}` }))).statusCode)
      expect(guesses).toEqual([...Array(10).fill(400), 429])
    } finally {
      await a.close()
      await b.close()
    }
  })
})
