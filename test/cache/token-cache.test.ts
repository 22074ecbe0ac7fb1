/**
 * The auth cache of opaque tokens: the database strategy's rows (`cachedAccessTokenDatabase`,
 * on SQLite) and the Redis strategy's keys (`RedisStrategy`'s `cache`, on a real Redis). A token
 * is read once, then from the cache within its lifetime; a logout forgets it and a log out
 * everywhere every token of its user, here and on the channel; messages never carry a token;
 * nothing is served while the channel is down; the cache stays within its size.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  AuthCache,
  cachedAccessTokenDatabase,
  DatabaseStrategy,
  type AccessTokenDatabase,
  type InvalidationChannel,
  type InvalidationEvents,
  type UserRecord,
} from '../../src/index.ts'
import { RedisStrategy } from '../../src/redis/index.ts'
import { newOpaqueToken, sha256Base64url } from '../../src/opaque-token.ts'
import { requireRedis } from '../support/services.ts'
import { openTestRedis, type TestRedis } from '../support/redis.ts'
import { openSqliteStore, type OpenedStore } from '../support/session-app.ts'

class FakeChannel implements InvalidationChannel {
  events: InvalidationEvents | null = null
  published: string[] = []
  async open(events: InvalidationEvents) {
    this.events = events
    events.up()
  }
  async publish(key: string) {
    this.published.push(key)
  }
  async close() {}
}

async function liveCache(maxEntries?: number): Promise<{ cache: AuthCache; channel: FakeChannel }> {
  const channel = new FakeChannel()
  const cache = new AuthCache({ channel, ...(maxEntries === undefined ? {} : { maxEntries }) })
  await cache.open()
  return { cache, channel }
}

/** The access-token table of `opened`, counting its reads. */
function countingTokens(opened: OpenedStore) {
  const db = opened.store.accessTokens
  const counted = {
    reads: 0,
    getByToken(token: string, maxAgeSeconds?: number | null) {
      counted.reads++
      return db.getByToken(token, maxAgeSeconds)
    },
    create: (record: Parameters<AccessTokenDatabase['create']>[0]) => db.create(record),
    delete: (token: string) => db.delete(token),
    deleteAllForUser: (userId: string) => db.deleteAllForUser(userId),
  }
  return counted
}

describe('cachedAccessTokenDatabase (database strategy, SQLite)', () => {
  let opened: OpenedStore
  let users: { get(id: string): Promise<UserRecord | null> }
  beforeAll(async () => {
    opened = await openSqliteStore()
    users = { get: (id) => opened.store.users.get(id) }
  })
  afterAll(async () => {
    await opened.drop()
  })
  const newUser = () =>
    opened.store.users.create({ email: `t-${randomBytes(6).toString('hex')}@example.com`, hashed_password: 'h', is_active: true, is_superuser: false, is_verified: false })

  it('reads a row once, then from the cache, and forgets it at a logout here and on the channel', async () => {
    const { cache, channel } = await liveCache()
    const db = countingTokens(opened)
    const strategy = new DatabaseStrategy({ accessTokenDb: cachedAccessTokenDatabase(db, cache), lifetimeSeconds: 3600 })
    const user = await newUser()
    const token = await strategy.writeToken(user)
    for (let i = 0; i < 3; i++) expect((await strategy.readToken(token, users))?.id).toBe(user.id)
    expect(db.reads).toBe(1)
    await strategy.destroyToken(token)
    expect(channel.published).toEqual([`t:${sha256Base64url(token)}`])
    expect(await strategy.readToken(token, users)).toBeNull()
    expect(db.reads).toBe(2)
  })

  it('checks the lifetime on every hit', async () => {
    const { cache } = await liveCache()
    const db = countingTokens(opened)
    const tokens = cachedAccessTokenDatabase(db, cache)
    const user = await newUser()
    const stored = sha256Base64url(newOpaqueToken())
    await db.create({ token: stored, user_id: user.id, created_at: new Date(Date.now() - 100_000) })
    expect((await tokens.getByToken(stored, 3600))?.user_id).toBe(user.id)
    expect(await tokens.getByToken(stored, 50)).toBeNull()
    expect((await tokens.getByToken(stored, null))?.user_id).toBe(user.id)
    expect(db.reads).toBe(1)
  })

  it('forgets every token of a user at a log out everywhere, here or announced by another instance, and no one else\'s', async () => {
    const { cache, channel } = await liveCache()
    const db = countingTokens(opened)
    const strategy = new DatabaseStrategy({ accessTokenDb: cachedAccessTokenDatabase(db, cache), lifetimeSeconds: 3600 })
    const [user, other] = [await newUser(), await newUser()]
    const kept = await strategy.writeToken(user)
    const ended = await strategy.writeToken(user)
    const others = await strategy.writeToken(other)
    for (const token of [kept, ended, others]) await strategy.readToken(token, users)
    await strategy.revokeAllTokens(user.id, { except: kept })
    expect(channel.published).toEqual([`ut:${user.id}`])
    expect(await strategy.readToken(ended, users)).toBeNull()
    expect((await strategy.readToken(kept, users))?.id).toBe(user.id)
    const reads = db.reads
    expect((await strategy.readToken(others, users))?.id).toBe(other.id)
    expect(db.reads).toBe(reads)

    // Another instance's log out everywhere: its message alone drops the tokens here.
    await strategy.readToken(kept, users)
    await opened.store.accessTokens.deleteAllForUser(user.id)
    expect((await strategy.readToken(kept, users))?.id).toBe(user.id)
    channel.events!.invalidate(`ut:${user.id}`)
    expect(await strategy.readToken(kept, users)).toBeNull()
  })

  it('names a plain token on the channel by its hash, never by itself', async () => {
    const { cache, channel } = await liveCache()
    const strategy = new DatabaseStrategy({
      accessTokenDb: cachedAccessTokenDatabase(opened.store.accessTokens, cache, { tokenStorage: 'plain' }),
      lifetimeSeconds: 3600,
      tokenStorage: 'plain',
    })
    const user = await newUser()
    const token = await strategy.writeToken(user)
    expect((await strategy.readToken(token, users))?.id).toBe(user.id)
    await strategy.destroyToken(token)
    expect(channel.published).toEqual([`t:${sha256Base64url(token)}`])
    expect(channel.published.join()).not.toContain(token)
    expect(await strategy.readToken(token, users)).toBeNull()
  })

  it('reads the database while the channel is down, so a logout it did not hear of holds', async () => {
    const { cache, channel } = await liveCache()
    const db = countingTokens(opened)
    const strategy = new DatabaseStrategy({ accessTokenDb: cachedAccessTokenDatabase(db, cache), lifetimeSeconds: 3600 })
    const user = await newUser()
    const token = await strategy.writeToken(user)
    await strategy.readToken(token, users)
    channel.events!.down()
    // Another instance logs out; its message is lost.
    await opened.store.accessTokens.delete(sha256Base64url(token))
    expect(await strategy.readToken(token, users)).toBeNull()
    channel.events!.up()
    expect(await strategy.readToken(token, users)).toBeNull()
  })

  it('stays within its size, and still forgets a user\'s tokens after evictions', async () => {
    const { cache } = await liveCache(5)
    const db = countingTokens(opened)
    const strategy = new DatabaseStrategy({ accessTokenDb: cachedAccessTokenDatabase(db, cache), lifetimeSeconds: 3600 })
    const user = await newUser()
    const tokens: string[] = []
    for (let i = 0; i < 20; i++) tokens.push(await strategy.writeToken(user))
    for (const token of tokens) expect((await strategy.readToken(token, users))?.id).toBe(user.id)
    expect(cache.size).toBe(5)
    await strategy.revokeAllTokens(user.id)
    expect(cache.size).toBe(0)
    for (const token of tokens) expect(await strategy.readToken(token, users)).toBeNull()
  })
})

describe('RedisStrategy with the auth cache', () => {
  let redis: TestRedis | null = null
  const user: UserRecord = { id: '6f1c1d3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f', email: 'a@example.com', hashed_password: 'h', is_active: true, is_superuser: false, is_verified: false }
  const users = { get: async (id: string) => (id === user.id ? { ...user } : null) }
  beforeAll(async () => {
    const url = await requireRedis()
    if (url !== null) redis = openTestRedis(url)
  })
  afterAll(async () => {
    await redis?.close()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  const strategy = (cache: AuthCache, lifetimeSeconds: number | null = 3600) =>
    new RedisStrategy({ redis: redis!.redis, keyPrefix: `${redis!.prefix}perf:token:`, userIndexPrefix: `${redis!.prefix}perf:user:`, lifetimeSeconds, cache })
  const keyOf = (token: string) => `${redis!.prefix}perf:token:${sha256Base64url(token)}`

  it('reads a key once, then from the cache, and forgets it at a logout here and on the channel', async (ctx) => {
    if (!redis) return ctx.skip()
    const { cache, channel } = await liveCache()
    const tokens = strategy(cache)
    const token = await tokens.writeToken(user)
    expect((await tokens.readToken(token, users))?.id).toBe(user.id)
    // Deleted behind the strategy's back (unannounced): the cache still answers.
    await redis.redis.rename(keyOf(token), `${keyOf(token)}:moved`)
    expect((await tokens.readToken(token, users))?.id).toBe(user.id)
    await redis.redis.rename(`${keyOf(token)}:moved`, keyOf(token))
    await tokens.destroyToken(token, user)
    expect(channel.published).toEqual([`t:${sha256Base64url(token)}`])
    expect(await tokens.readToken(token, users)).toBeNull()
    expect(await redis.redis.exists(keyOf(token))).toBe(0)
  })

  it('ends every cached token of the user at a log out everywhere but the one kept', async (ctx) => {
    if (!redis) return ctx.skip()
    const { cache, channel } = await liveCache()
    const tokens = strategy(cache)
    const [kept, ended] = [await tokens.writeToken(user), await tokens.writeToken(user)]
    for (const token of [kept, ended]) await tokens.readToken(token, users)
    await tokens.revokeAllTokens(user.id, { except: kept })
    expect(channel.published).toEqual([`ut:${user.id}`])
    expect(await tokens.readToken(ended, users)).toBeNull()
    expect((await tokens.readToken(kept, users))?.id).toBe(user.id)
  })

  it('refuses a cached token once its key has expired', async (ctx) => {
    if (!redis) return ctx.skip()
    const { cache } = await liveCache()
    const tokens = strategy(cache, 60)
    const token = await tokens.writeToken(user)
    expect((await tokens.readToken(token, users))?.id).toBe(user.id)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 })
    expect(await tokens.readToken(token, users)).toBeNull()
  })

  it('reads Redis while the channel is down, so a logout it did not hear of holds', async (ctx) => {
    if (!redis) return ctx.skip()
    const { cache, channel } = await liveCache()
    const tokens = strategy(cache)
    const token = await tokens.writeToken(user)
    await tokens.readToken(token, users)
    channel.events!.down()
    await redis.redis.del(keyOf(token))
    expect(await tokens.readToken(token, users)).toBeNull()
  })
})
