/**
 * The Redis revocation store's own rules, beyond the contract every store passes
 * (stores.test.ts): the epoch it counts generations from and fails closed without, the keys it
 * writes, denials of tokens already expired, and a failed MULTI reaching the caller. Runs on the
 * shared Redis under a key prefix of its own (never FLUSHALL: the epoch is deleted by its key).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisRevocationStore } from '../../src/redis/revocation-store.ts'
import { requireRedis } from '../support/services.ts'
import { openTestRedis, type TestRedis } from '../support/redis.ts'

const DEFAULT_PREFIX = 'fastify_users_revocation:'
const now = () => Math.floor(Date.now() / 1000)

describe('Redis revocation store', () => {
  let redis: TestRedis | null = null
  beforeAll(async () => {
    const url = await requireRedis()
    if (url !== null) redis = openTestRedis(url)
  })
  afterAll(() => redis?.close())

  /** A store under a prefix no other test uses, so that each test has its own epoch. */
  function open(r: TestRedis): { store: RedisRevocationStore; prefix: string } {
    const prefix = `${r.prefix}${randomUUID()}:`
    return { store: new RedisRevocationStore({ redis: r.redis, keyPrefix: prefix }), prefix }
  }

  it('starts its epoch at the current time in microseconds, and keeps the first epoch set', async (ctx) => {
    if (!redis) return ctx.skip()
    const { store, prefix } = open(redis)
    const before = Date.now() * 1000
    const base = await store.generation(randomUUID())
    const after = Date.now() * 1000
    expect(base).toBeGreaterThanOrEqual(before)
    expect(base).toBeLessThanOrEqual(after)
    expect(await redis.redis.get(`${prefix}epoch`)).toBe(String(base))

    const other = open(redis)
    await redis.redis.set(`${other.prefix}epoch`, '5000000')
    const user = randomUUID()
    expect(await other.store.generation(user)).toBe(5_000_000)
    await other.store.bump(user, 'jti:kept')
    expect(await other.store.generation(user)).toBe(5_000_001)
    expect(await other.store.check(user, 'jti:x')).toEqual({ generation: 5_000_001, kept: 'jti:kept', denied: false })
  })

  it('refuses every token while its epoch is missing', async (ctx) => {
    if (!redis) return ctx.skip()
    const { store, prefix } = open(redis)
    const user = randomUUID()
    await store.generation(user)
    expect((await store.check(user, 'jti:a')).denied).toBe(false)
    await redis.redis.del(`${prefix}epoch`)
    expect(await store.check(user, 'jti:a')).toEqual({ generation: Number.MAX_SAFE_INTEGER, kept: null, denied: true })
  })

  it('writes a user\'s generation and kept key under fastify_users_revocation: by default', async (ctx) => {
    if (!redis) return ctx.skip()
    const store = new RedisRevocationStore({ redis: redis.redis })
    const key = `${DEFAULT_PREFIX}gen:${redis.prefix}${randomUUID()}`
    const user = key.slice(`${DEFAULT_PREFIX}gen:`.length)
    try {
      await store.bump(user, 'jti:kept')
      expect(await redis.redis.hgetall(key)).toEqual({ g: '1', k: 'jti:kept' })
      await store.bump(user)
      expect(await redis.redis.hgetall(key)).toEqual({ g: '2' })
    } finally {
      await redis.redis.del(key)
    }
  })

  it('denies a token until its own expiry, and writes nothing for one already expired', async (ctx) => {
    if (!redis) return ctx.skip()
    const { store, prefix } = open(redis)
    await store.generation('u')
    const expiresAt = now() + 3600
    await store.deny('jti:live', expiresAt)
    expect(await redis.redis.call('EXPIRETIME', `${prefix}deny:jti:live`)).toBe(expiresAt)
    expect(await redis.redis.get(`${prefix}deny:jti:live`)).toBe('1')
    expect(await store.check('u', 'jti:live')).toEqual({ generation: Number(await redis.redis.get(`${prefix}epoch`)), kept: null, denied: true })
    await store.deny('jti:forever', null)
    expect(await redis.redis.ttl(`${prefix}deny:jti:forever`)).toBe(-1)
    expect(await redis.redis.get(`${prefix}deny:jti:forever`)).toBe('1')
    // Redis refuses `EXAT 0` outright; a token dated 1970 is simply not written.
    await store.deny('jti:epoch', 0)
    await store.deny('jti:expired', now() - 1)
    expect(await redis.redis.exists(`${prefix}deny:jti:epoch`, `${prefix}deny:jti:expired`)).toBe(0)
  })

  it('fails a bump whose MULTI fails, rather than reporting the user logged out', async (ctx) => {
    if (!redis) return ctx.skip()
    const { store, prefix } = open(redis)
    const user = randomUUID()
    await redis.redis.set(`${prefix}gen:${user}`, 'not a hash')
    await expect(store.bump(user)).rejects.toThrow()
    await expect(store.bump(user, 'jti:kept')).rejects.toThrow()
  })
})
