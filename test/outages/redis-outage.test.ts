/**
 * The Redis stores on an application's ioredis client with its default settings (20 retries,
 * an offline queue), through a proxy that the test cuts and hangs: every call of the strategy,
 * the revocation store and the rate-limit store is a `ServiceUnavailableError` within the
 * store's timeout, and they serve again once Redis is back.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/errors.ts'
import { RedisRateLimitStore, RedisRevocationStore, RedisStrategy } from '../../src/redis/index.ts'
import type { UserLookup } from '../../src/authentication/strategy.ts'
import type { UserRecord } from '../../src/user.ts'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts'
import { requireRedis, uniqueName } from '../support/services.ts'

const redisUrl = await requireRedis()

const user: UserRecord = { id: '2b8e3c2e-55a1-4a7e-9a53-1f0e8a7c0d11', email: 'r@example.com', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
const users: UserLookup<UserRecord> = { get: async (id) => (id === user.id ? user : null) }

describe.skipIf(redisUrl === null)('Redis outage', () => {
  let proxy: FaultProxy
  let redis: Redis
  let strategy: RedisStrategy
  let revocation: RedisRevocationStore
  let limits: RedisRateLimitStore
  let token: string

  beforeAll(async () => {
    const url = new URL(redisUrl!)
    proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port || 6379) })
    redis = new Redis({ host: proxy.host, port: proxy.port, keyPrefix: `${uniqueName('fu_outage')}:` })
    redis.on('error', () => {})
    strategy = new RedisStrategy({ redis, lifetimeSeconds: 60, timeoutMs: 300 })
    revocation = new RedisRevocationStore({ redis, timeoutMs: 300 })
    limits = new RedisRateLimitStore(redis, { timeoutMs: 300 })
    token = await strategy.writeToken(user)
  })

  afterAll(async () => {
    await strategy?.destroyToken(token, user).catch(() => {})
    redis?.disconnect()
    await proxy?.close()
  })

  const calls = () => [
    () => strategy.readToken(token, users),
    () => strategy.writeToken(user),
    () => revocation.check(user.id, 'token-key'),
    () => revocation.bump(user.id),
    () => limits.hit('outage', 60_000, Date.now()),
  ]

  async function servesAgain(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await strategy.readToken(token, users).then((found) => found?.id === user.id, () => false)) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect.fail('the strategy did not serve again')
  }

  it('answers 503 while Redis is unreachable, and serves again when it is back', async () => {
    await proxy.cut()
    for (const call of calls()) await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError)
    await proxy.heal()
    await servesAgain()
  })

  it('answers 503 when Redis does not answer in time, and serves again when it does', async () => {
    proxy.hang()
    for (const call of calls()) await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError)
    await proxy.heal()
    await servesAgain()
  })
})
