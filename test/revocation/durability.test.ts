/**
 * Revocations survive Redis losing its data (here FLUSHALL on a private Redis; a restart
 * without persistence or a failover to a lagging replica loses the same keys or fewer):
 *
 * - the full example with REDIS_URL keeps JWT revocations in the user database, so a logout,
 *   a logout-everywhere and a password reset stay in force, and nobody else is logged out;
 * - `RedisRevocationStore` on its own fails closed: every token issued before the loss is
 *   refused, and logins after it work;
 * - the Redis strategy's tokens exist only in Redis, and die with it.
 */
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readConfig } from '../../examples/full/config.ts'
import { openExampleStore, type ExampleStore } from '../../examples/full/database.ts'
import { buildSessions } from '../../examples/full/sessions.ts'
import { JwtStrategy } from '../../src/index.ts'
import { RedisRevocationStore, RedisStrategy } from '../../src/redis/index.ts'
import { SECRET } from '../support/app.ts'
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts'
import { buildSessionApp, openSqliteStore, type OpenedStore, type SessionApp } from '../support/session-app.ts'

let redis: PrivateRedis | null
beforeAll(async () => {
  redis = await startPrivateRedis()
})
afterAll(async () => {
  await redis?.stop()
})

/** Logs a user out in every way, and returns the tokens each way ended and one it did not. */
async function revokeEveryWay(t: SessionApp): Promise<{ revoked: string[]; survivor: string }> {
  const { user, password } = await t.createUser()
  const loggedOut = await t.token(user, password)
  expect((await t.post('/auth/jwt/logout', { token: loggedOut })).statusCode).toBe(204)
  const everywhere = [await t.token(user, password), await t.token(user, password)]
  expect((await t.post('/auth/jwt/logout-all', { token: everywhere[0] })).statusCode).toBe(204)
  const beforeReset = await t.token(user, password)
  await t.resetPassword(user, 'a brand new password')
  const other = await t.createUser()
  const survivor = await t.token(other.user, other.password)
  const revoked = [loggedOut, ...everywhere, beforeReset]
  for (const token of revoked) expect(await t.me(token)).toBe(401)
  expect(await t.me(survivor)).toBe(200)
  return { revoked, survivor }
}

describe('the full example with REDIS_URL and a SQL database', () => {
  let dir: string
  let store: ExampleStore
  let t: SessionApp
  const owner = Fastify()
  beforeAll(async () => {
    if (!redis) return
    dir = mkdtempSync(join(tmpdir(), 'fastify-users-durability-'))
    const config = readConfig({ SECRET, REDIS_URL: redis.url, DATABASE_URL: `sqlite://${join(dir, 'users.db')}` }, () => {})
    store = await openExampleStore(config.databaseUrl)
    const { strategy } = await buildSessions(config, store, owner)
    t = await buildSessionApp({ store, strategy })
  })
  afterAll(async () => {
    if (!redis) return
    await t.close()
    await owner.close()
    await store.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  it('still refuses every revoked token after FLUSHALL, and only those', async (ctx) => {
    if (!redis) return ctx.skip()
    const { revoked, survivor } = await revokeEveryWay(t)
    expect(await redis.admin.flushall()).toBe('OK')
    for (const token of revoked) expect(await t.me(token)).toBe(401)
    expect(await t.me(survivor)).toBe(200)
  })
})

describe('RedisRevocationStore alone', () => {
  let opened: OpenedStore
  let client: Redis
  let t: SessionApp
  beforeAll(async () => {
    if (!redis) return
    opened = await openSqliteStore()
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900, revocation: new RedisRevocationStore({ redis: client }) })
    t = await buildSessionApp({ store: opened.store, strategy })
  })
  afterAll(async () => {
    if (!redis) return
    await t.close()
    client.disconnect()
    await opened.drop()
  })

  it('fails closed after FLUSHALL: every earlier token is refused, later logins work', async (ctx) => {
    if (!redis) return ctx.skip()
    const { revoked, survivor } = await revokeEveryWay(t)
    expect(await redis.admin.flushall()).toBe('OK')
    for (const token of [...revoked, survivor]) expect(await t.me(token)).toBe(401)
    const { user, password } = await t.createUser()
    const fresh = await t.token(user, password)
    expect(await t.me(fresh)).toBe(200)
    expect((await t.post('/auth/jwt/logout', { token: fresh })).statusCode).toBe(204)
    expect(await t.me(fresh)).toBe(401)
  })
})

describe('the Redis strategy', () => {
  let opened: OpenedStore
  let client: Redis
  let t: SessionApp
  beforeAll(async () => {
    if (!redis) return
    opened = await openSqliteStore()
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    t = await buildSessionApp({ store: opened.store, strategy: new RedisStrategy({ redis: client, lifetimeSeconds: 900 }) })
  })
  afterAll(async () => {
    if (!redis) return
    await t.close()
    client.disconnect()
    await opened.drop()
  })

  it('loses every token with Redis\'s data, revoked ones included', async (ctx) => {
    if (!redis) return ctx.skip()
    const { revoked, survivor } = await revokeEveryWay(t)
    expect(await redis.admin.flushall()).toBe('OK')
    for (const token of [...revoked, survivor]) expect(await t.me(token)).toBe(401)
  })
})
