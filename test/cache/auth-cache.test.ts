/**
 * The auth cache on its own: read-through, invalidation by every write of a wrapped store, a
 * read in flight during an invalidation not cached, and nothing served while the channel is
 * down or before it is first up.
 */
import { describe, expect, it } from 'vitest'
import {
  AuthCache,
  cachedRevocationStore,
  cachedUserDatabase,
  MemoryRevocationStore,
  ServiceUnavailableError,
  type InvalidationChannel,
  type InvalidationEvents,
  type RevocationStore,
  type UserDatabase,
  type UserRecord,
  hasUserBans,
  hasUserRoles,
  isUserListing,
} from '../../src/index.ts'
import { sqliteUserDatabase } from '../../src/db/kysely/index.ts'

const ID = '6f1c1d3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f'

function user(patch: Partial<UserRecord> = {}): UserRecord {
  return { id: ID, email: 'a@example.com', hashed_password: 'h', is_active: true, is_superuser: false, is_verified: false, ...patch }
}

/** A user database of one user, counting reads, whose `get` can be held open. */
function countingDb() {
  let stored: UserRecord | null = user()
  let hold: Promise<void> | null = null
  const db = {
    reads: 0,
    hold(until: Promise<void>) {
      hold = until
    },
    async get(id: string) {
      db.reads++
      const seen = stored && stored.id === id ? { ...stored } : null
      if (hold) await hold
      return seen
    },
    async update(_: UserRecord, data: Partial<UserRecord>) {
      stored = { ...stored!, ...data }
      return { ...stored }
    },
    async updatePassword(_: UserRecord, __: string, hashed: string) {
      stored = { ...stored!, hashed_password: hashed }
      return { ...stored }
    },
    async delete() {
      stored = null
    },
  }
  return db
}

class FakeChannel implements InvalidationChannel {
  events: InvalidationEvents | null = null
  published: string[] = []
  failing = false
  async open(events: InvalidationEvents) {
    this.events = events
  }
  async publish(key: string) {
    if (this.failing) throw new Error('channel down')
    this.published.push(key)
  }
  async close() {}
}

describe('cachedUserDatabase', () => {
  it('reads a user once, then from the cache, and forgets it at every write', async () => {
    const raw = countingDb()
    const cache = new AuthCache({ channel: null })
    const db = cachedUserDatabase(raw as unknown as UserDatabase, cache)
    expect((await db.get(ID))!.is_active).toBe(true)
    expect((await db.get(ID))!.is_active).toBe(true)
    expect(raw.reads).toBe(1)
    await db.update(user(), { is_active: false })
    expect((await db.get(ID))!.is_active).toBe(false)
    expect(raw.reads).toBe(2)
    await db.updatePassword(user(), 'h', 'h2')
    expect((await db.get(ID))!.hashed_password).toBe('h2')
    await db.delete(user())
    expect(await db.get(ID)).toBeNull()
    expect(raw.reads).toBe(4)
  })

  it('keeps the listing, roles and bans of the database it wraps, and adds none it lacks', async () => {
    const store = await sqliteUserDatabase({ filename: ':memory:' })
    try {
      const db = cachedUserDatabase(store.users, new AuthCache({ channel: null }))
      if (!isUserListing<UserRecord>(db) || !hasUserRoles<UserRecord>(db) || !hasUserBans<UserRecord>(db)) throw new Error('a capability was dropped')
      const created = await db.create({ email: 'b@example.com', hashed_password: 'h', is_active: true, is_superuser: false, is_verified: false })
      const page = await db.listUsers({ sort: 'email', order: 'asc', limit: 10, after: null })
      expect(page.entries.map((entry) => entry.user.id)).toEqual([created.id])
      expect(await db.setRoles(created, ['editor'])).toEqual(['editor'])
      expect(await store.users.getRoles(created)).toEqual(['editor'])
      const ban = { reason: 'spam', banned_at: new Date(), expires_at: null, banned_by: null, was_active: true }
      expect(await db.setBan(created, ban)).toBe(true)
      expect((await store.users.getBan(created))?.reason).toBe('spam')
      expect((await db.getBan(created))?.reason).toBe('spam')
    } finally {
      await store.destroy()
    }
    const bare = cachedUserDatabase(countingDb() as unknown as UserDatabase, new AuthCache({ channel: null }))
    expect([isUserListing(bare), hasUserRoles(bare), hasUserBans(bare)]).toEqual([false, false, false])
  })

  it('reads the roles once, forgets them at a role change or a deletion, publishes both, and hands out copies', async () => {
    const store = await sqliteUserDatabase({ filename: ':memory:' })
    try {
      const channel = new FakeChannel()
      const cache = new AuthCache({ channel })
      await cache.open()
      channel.events!.up()
      const db = cachedUserDatabase(store.users, cache)
      if (!hasUserRoles<UserRecord>(db)) throw new Error('roles were dropped')
      const created = await db.create({ email: 'r@example.com', hashed_password: 'h', is_active: true, is_superuser: false, is_verified: false })
      await store.users.setRoles(created, ['editor'])
      expect(await db.getRoles(created)).toEqual(['editor'])
      // Written behind the cache's back: the cached roles are served until a write through it.
      await store.users.setRoles(created, ['admin'])
      const served = await db.getRoles(created)
      expect(served).toEqual(['editor'])
      served.push('admin')
      expect(await db.getRoles(created)).toEqual(['editor'])

      expect(await db.setRoles(created, ['viewer'])).toEqual(['viewer'])
      expect(channel.published).toEqual([`r:${created.id}`])
      expect(await db.getRoles(created)).toEqual(['viewer'])
      await store.users.setRoles(created, ['admin'])
      channel.events!.invalidate(`r:${created.id}`)
      expect(await db.getRoles(created)).toEqual(['admin'])

      await db.delete(created)
      expect(channel.published).toEqual([`r:${created.id}`, `u:${created.id}`, `r:${created.id}`])
      expect(await db.getRoles(created)).toEqual([])
    } finally {
      await store.destroy()
    }
  })

  it('hands out copies: changing a user read from it does not change the cache', async () => {
    const db = cachedUserDatabase(countingDb() as unknown as UserDatabase, new AuthCache({ channel: null }))
    ;(await db.get(ID))!.is_superuser = true
    expect((await db.get(ID))!.is_superuser).toBe(false)
  })

  it('does not cache a read that was in flight while the user was written', async () => {
    const raw = countingDb()
    const db = cachedUserDatabase(raw as unknown as UserDatabase, new AuthCache({ channel: null }))
    let release!: () => void
    raw.hold(new Promise((resolve) => (release = resolve)))
    const stale = db.get(ID)
    await db.update(user(), { is_active: false })
    release()
    expect((await stale)!.is_active).toBe(true)
    raw.hold(Promise.resolve())
    expect((await db.get(ID))!.is_active).toBe(false)
  })

  it('publishes each write, applies what others publish, and serves nothing while the channel is down', async () => {
    const raw = countingDb()
    const channel = new FakeChannel()
    const cache = new AuthCache({ channel })
    await cache.open()
    const db = cachedUserDatabase(raw as unknown as UserDatabase, cache)
    // Not yet up: every read goes to the database.
    await db.get(ID)
    await db.get(ID)
    expect(raw.reads).toBe(2)
    channel.events!.up()
    await db.get(ID)
    await db.get(ID)
    expect(raw.reads).toBe(3)
    await db.update(user(), { is_verified: true })
    expect(channel.published).toEqual([`u:${ID}`])
    await db.get(ID)
    expect(raw.reads).toBe(4)
    channel.events!.invalidate(`u:${ID}`)
    await db.get(ID)
    expect(raw.reads).toBe(5)
    channel.events!.down()
    expect(cache.size).toBe(0)
    await db.get(ID)
    await db.get(ID)
    expect(raw.reads).toBe(7)
    channel.events!.up()
    await db.get(ID)
    await db.get(ID)
    expect(raw.reads).toBe(8)
  })

  it('answers 503 to a write whose invalidation could not be published, after writing it', async () => {
    const raw = countingDb()
    const channel = new FakeChannel()
    const cache = new AuthCache({ channel })
    await cache.open()
    channel.events!.up()
    const db = cachedUserDatabase(raw as unknown as UserDatabase, cache)
    await db.get(ID)
    channel.failing = true
    await expect(db.update(user(), { is_active: false })).rejects.toBeInstanceOf(ServiceUnavailableError)
    expect((await db.get(ID))!.is_active).toBe(false)
  })
})

describe('cachedRevocationStore', () => {
  function counting(store: RevocationStore) {
    const counted = { checks: 0 }
    const wrapped: RevocationStore = {
      check: (userId, key) => (counted.checks++, store.check(userId, key)),
      generation: (userId) => store.generation(userId),
      bump: (userId, keep) => store.bump(userId, keep),
      deny: (key, expiresAt) => store.deny(key, expiresAt),
    }
    return { counted, wrapped }
  }

  it('caches a check, and forgets it at a logout or a log out everywhere', async () => {
    const { counted, wrapped } = counting(new MemoryRevocationStore())
    const store = cachedRevocationStore(wrapped, new AuthCache({ channel: null }))
    expect(await store.check(ID, 'k1')).toEqual({ generation: 0, kept: null, denied: false })
    expect(await store.check(ID, 'k1')).toEqual({ generation: 0, kept: null, denied: false })
    expect(counted.checks).toBe(1)
    await store.deny('k1', null)
    expect((await store.check(ID, 'k1')).denied).toBe(true)
    await store.check(ID, 'k2')
    expect(counted.checks).toBe(3)
    await store.bump(ID, 'k2')
    expect(await store.check(ID, 'k2')).toEqual({ generation: 1, kept: 'k2', denied: false })
    expect(counted.checks).toBe(4)
  })
})
