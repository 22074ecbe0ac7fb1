/**
 * Sessions across instances and caches (issue 15, docs/sessions.md): two instances (two apps
 * in this process, each with its own fastifyUsers) share a Redis and a user database.
 *
 * - the Redis strategy with the Redis session store: a session ended on one instance is
 *   refused by the other at once;
 * - JWT with refresh tokens, the revocation state in Redis behind each instance's auth cache
 *   (invalidated over Redis pub/sub): both instances have cached the token as allowed, and the
 *   session ended on one is refused by both, at once on the one that ended it.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JwtStrategy, MemoryRefreshTokenStore, cachedRevocationStore, openAuthCache, type AuthCache } from '../../src/index.ts'
import { RedisRevocationStore, RedisSessionStore, RedisStrategy, redisInvalidationChannel } from '../../src/redis/index.ts'
import { SECRET, settle } from '../support/app.ts'
import { openTestRedis, type TestRedis } from '../support/redis.ts'
import { requireRedis, uniqueName } from '../support/services.ts'
import { buildSessionApp, openSqliteStore, type OpenedStore, type SessionApp } from '../support/session-app.ts'

const url = await requireRedis()

const list = async (t: SessionApp, token: string) => {
  const res = await t.app.inject({ method: 'GET', url: '/users/me/sessions', headers: { authorization: `Bearer ${token}` } })
  expect(res.statusCode, res.body).toBe(200)
  return (res.json() as { items: Array<{ id: string; current: boolean }> }).items
}
const end = (t: SessionApp, token: string, id: string) =>
  t.app.inject({ method: 'DELETE', url: `/users/me/sessions/${id}`, headers: { authorization: `Bearer ${token}` } })

describe.skipIf(url === null)('sessions on Redis, across instances', () => {
  let redis: TestRedis
  let opened: OpenedStore
  let a: SessionApp
  let b: SessionApp
  beforeAll(async () => {
    redis = openTestRedis(url!)
    opened = await openSqliteStore()
    const instance = () => buildSessionApp({
      store: opened.store,
      strategy: new RedisStrategy({ redis: redis.redis, keyPrefix: `${redis.prefix}token:`, userIndexPrefix: `${redis.prefix}user:`, lifetimeSeconds: 3600 }),
      sessions: { store: new RedisSessionStore({ redis: redis.redis, keyPrefix: `${redis.prefix}sessions:` }) },
    })
    a = await instance()
    b = await instance()
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await opened?.drop()
    await redis?.close()
  })

  it('lists the sessions made on either instance; one ended on A is refused by B', async () => {
    const { user, password } = await a.createUser()
    const onA = await a.token(user, password)
    const onB = await b.token(user, password)
    expect(await a.me(onB)).toBe(200)
    const sessions = await list(b, onB)
    expect(sessions).toHaveLength(2)
    const target = sessions.find((session) => session.current)!
    expect((await end(a, onA, target.id)).statusCode).toBe(204)
    expect(await b.me(onB)).toBe(401)
    expect(await a.me(onB)).toBe(401)
    expect((await list(b, onA)).map((session) => session.current)).toEqual([true])
    expect((await end(b, onA, target.id)).statusCode).toBe(404)
  })

  it('the Redis strategy\'s "log out everywhere" ends every session\'s record', async () => {
    const { user, password } = await a.createUser()
    const one = await a.token(user, password)
    await b.token(user, password)
    expect((await a.post('/auth/jwt/logout-all', { token: one })).statusCode).toBe(204)
    const fresh = await b.token(user, password)
    expect(await list(a, fresh)).toEqual([expect.objectContaining({ current: true })])
  })
})

describe.skipIf(url === null)('sessions of JWT with refresh tokens, through the auth cache of two instances', () => {
  let redis: TestRedis
  let publisher: Redis
  let opened: OpenedStore
  let caches: AuthCache[] = []
  let a: SessionApp
  let b: SessionApp
  beforeAll(async () => {
    redis = openTestRedis(url!)
    publisher = new Redis(url!)
    opened = await openSqliteStore()
    const channel = uniqueName('fu_sessions_cache')
    const revocation = new RedisRevocationStore({ redis: redis.redis, keyPrefix: `${redis.prefix}revocation:` })
    const refreshStore = new MemoryRefreshTokenStore()
    const instance = async () => {
      const cache = await openAuthCache({ channel: redisInvalidationChannel({ redis: publisher, channel }), ttlMs: 60_000 })
      caches.push(cache)
      return buildSessionApp({
        store: opened.store,
        strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900, revocation: cachedRevocationStore(revocation, cache) }),
        refresh: { store: refreshStore, lifetimeSeconds: 86400 },
        sessions: { store: new RedisSessionStore({ redis: redis.redis, keyPrefix: `${redis.prefix}sessions:` }) },
      })
    }
    a = await instance()
    b = await instance()
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    for (const cache of caches) await cache.close()
    caches = []
    await opened?.drop()
    publisher?.disconnect()
    await redis?.close()
  })

  it('a session ended on A: its cached access token is refused by A at once and by B within the channel\'s delay', async () => {
    const { user, password } = await a.createUser()
    const victim = await a.token(user, password)
    const actor = await a.token(user, password)
    // Both instances have the victim's token cached as allowed.
    for (let i = 0; i < 2; i++) {
      expect(await a.me(victim)).toBe(200)
      expect(await b.me(victim)).toBe(200)
    }
    const id = (await list(a, victim)).find((session) => session.current)!.id
    expect((await end(a, actor, id)).statusCode).toBe(204)
    expect(await a.me(victim)).toBe(401)
    const deadline = Date.now() + 3000
    while ((await b.me(victim)) !== 401 && Date.now() < deadline) await settle(20)
    expect(await b.me(victim)).toBe(401)
    expect(await b.me(actor)).toBe(200)
  })
})
