/**
 * Logout during an outage: when the store that would end the token fails, the answer is 503
 * `SERVICE_UNAVAILABLE` with `Retry-After`, never a 204 for a token that keeps working, and
 * never a driver's message. Once the store is back, the same logout succeeds.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  JwtStrategy,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  type RefreshTokenStore,
  type RevocationStore,
} from '../../src/index.ts'
import { RedisStrategy } from '../../src/redis/index.ts'
import { SECRET } from '../support/app.ts'
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts'
import { buildSessionApp, openSqliteStore, type OpenedStore, type SessionApp } from '../support/session-app.ts'

const DRIVER_MESSAGE = 'connect ECONNREFUSED 127.0.0.1:6390'

/** A store whose writes fail while `down` is set, as a database that went away would. */
function failingWrites<T extends object>(store: T, methods: string[]): T & { down: boolean } {
  const state = { down: false }
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'down') return state.down
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (state.down && methods.includes(String(property))) return Promise.reject(new Error(DRIVER_MESSAGE))
        return value.apply(target, args)
      }
    },
    set(target, property, value) {
      if (property !== 'down') return Reflect.set(target, property, value)
      state.down = value as boolean
      return true
    },
  }) as T & { down: boolean }
}

function expectUnavailable(res: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
  expect(res.statusCode, res.body).toBe(503)
  expect(res.headers['retry-after']).toBeDefined()
  expect(JSON.parse(res.body)).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
}

describe('logout while a revocation store fails', () => {
  let opened: OpenedStore
  let revocation: RevocationStore & { down: boolean }
  let refreshStore: RefreshTokenStore & { down: boolean }
  let t: SessionApp
  beforeAll(async () => {
    opened = await openSqliteStore()
    revocation = failingWrites(new MemoryRevocationStore(), ['deny', 'bump'])
    refreshStore = failingWrites(new MemoryRefreshTokenStore(), ['deleteFamiliesOfAccessToken', 'deleteAllForUser'])
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900, revocation })
    t = await buildSessionApp({ store: opened.store, strategy, refresh: { store: refreshStore, lifetimeSeconds: 86400 } })
  })
  afterAll(async () => {
    await t.close()
    await opened.drop()
  })

  it('answers 503 while the JWT denylist cannot be written, and 204 once it can', async () => {
    const { user, password } = await t.createUser()
    const token = await t.token(user, password)
    revocation.down = true
    expectUnavailable(await t.post('/auth/jwt/logout', { token }))
    expectUnavailable(await t.post('/auth/jwt/logout-all', { token }))
    revocation.down = false
    expect(await t.me(token)).toBe(200)
    expect((await t.post('/auth/jwt/logout', { token })).statusCode).toBe(204)
    expect(await t.me(token)).toBe(401)
  })

  it('answers 503 while refresh tokens cannot be ended, with the access token still able to repeat the logout', async () => {
    const { user, password } = await t.createUser()
    const { access_token: token, refresh_token: refresh } = (await t.login(user, password)).json()
    refreshStore.down = true
    expectUnavailable(await t.post('/auth/jwt/logout', { token }))
    refreshStore.down = false
    expect(await t.me(token)).toBe(200)
    expect((await t.post('/auth/jwt/logout', { token })).statusCode).toBe(204)
    expect(await t.me(token)).toBe(401)
    expect((await t.post('/auth/jwt/refresh', { json: { refresh_token: refresh } })).statusCode).toBe(401)
  })
})

describe('logout with the Redis strategy while Redis is down', () => {
  let redis: PrivateRedis | null
  let opened: OpenedStore
  let client: Redis
  let t: SessionApp
  beforeAll(async () => {
    redis = await startPrivateRedis()
    if (!redis) return
    opened = await openSqliteStore()
    client = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 50 })
    client.on('error', () => {})
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
    t = await buildSessionApp({ store: opened.store, strategy: new RedisStrategy({ redis: client, lifetimeSeconds: 900 }) })
  })
  afterAll(async () => {
    if (!redis) return
    await t.close()
    client.disconnect()
    await opened.drop()
    await redis.stop()
  })

  it('answers 503, not 204, and leaks nothing of the driver', async (ctx) => {
    if (!redis) return ctx.skip()
    const { user, password } = await t.createUser()
    const token = await t.token(user, password)
    await redis.stop()
    const res = await t.post('/auth/jwt/logout', { token })
    expectUnavailable(res)
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Connection/i)
  })
})
