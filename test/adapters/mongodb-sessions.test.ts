/**
 * The session stores of the MongoDB adapter, on the server of test/support/mongo-server.ts:
 * JWT revocation (the RevocationStore contract of test/revocation/stores.test.ts) and refresh
 * tokens (single use, families, expiry), each on a scratch database prepared by `migrate()`.
 */
import { randomUUID } from 'node:crypto'
import { MongoClient, type Db } from 'mongodb'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MongoRefreshTokenStore, MongoRevocationStore, migrate } from '../../src/db/mongodb/index.ts'
import type { RefreshTokenRecord } from '../../src/refresh/store.ts'
import { scratchDatabaseName, startMongoTestServer, type MongoTestServer } from '../support/mongo-server.ts'

const server = await startMongoTestServer()
afterAll(() => server?.stop())

const now = () => Math.floor(Date.now() / 1000)

describe.skipIf(server === null)('mongodb session stores', () => {
  // Without a server the tests are registered and skipped, so they need a name only.
  const target: MongoTestServer = server ?? { url: '', kind: 'mongodb', uniqueIndexes: true, stop: async () => {} }
  let client: MongoClient
  let db: Db
  beforeEach(async () => {
    client = new MongoClient(target.url)
    db = client.db(scratchDatabaseName())
    await migrate(db)
  })
  afterEach(async () => {
    await db.dropDatabase()
    await client.close()
  })

  describe(`revocation store (${target.kind})`, () => {
    it('starts every user at generation 0 with nothing denied', async () => {
      const store = new MongoRevocationStore({ db })
      expect(await store.generation(randomUUID())).toBe(0)
      expect(await store.check(randomUUID(), 'jti:a')).toEqual({ generation: 0, kept: null, denied: false })
    })

    it('counts every bump, concurrent ones included, and keeps the latest key only', async () => {
      const store = new MongoRevocationStore({ db })
      const user = randomUUID()
      await Promise.all(Array.from({ length: 10 }, () => store.bump(user)))
      expect(await store.generation(user)).toBe(10)
      await store.bump(user.toUpperCase(), 'jti:kept')
      expect(await store.check(user, 'jti:x')).toEqual({ generation: 11, kept: 'jti:kept', denied: false })
      await store.bump(user)
      expect((await store.check(user, 'jti:x')).kept).toBeNull()
      expect(await store.generation(randomUUID())).toBe(0)
    })

    it('denies a key until its expiry, and for ever without one', async () => {
      const store = new MongoRevocationStore({ db })
      const user = randomUUID()
      await store.deny('jti:live', now() + 3600)
      await store.deny('jti:expired', now() - 1)
      await store.deny('sha256:forever', null)
      expect((await store.check(user, 'jti:live')).denied).toBe(true)
      expect((await store.check(user, 'jti:expired')).denied).toBe(false)
      expect((await store.check(user, 'sha256:forever')).denied).toBe(true)
      expect((await store.check(user, 'jti:other')).denied).toBe(false)
      expect((await store.check(user, { $ne: null } as never)).denied).toBe(false)
      await store.deny('jti:live', now() + 7200)
      expect(await db.collection('fastify_users_token_denylist').countDocuments({ _id: 'jti:live' as never })).toBe(1)
    })
  })

  describe(`refresh token store (${target.kind})`, () => {
    const record = (extra: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
      tokenHash: randomUUID(),
      familyId: 'family-a',
      userId: 'user-1',
      accessTokenHash: 'access-a',
      accessTokenKey: 'jti:access-a',
      createdAt: now(),
      expiresAt: now() + 3600,
      usedAt: null,
      ...extra,
    })

    it('stores a token and finds it by its hash', async () => {
      const store = new MongoRefreshTokenStore({ db })
      const token = record()
      expect(await store.create(token)).toBe(true)
      expect(await store.find(token.tokenHash)).toEqual(token)
      expect(await store.create({ ...token, familyId: 'family-b' })).toBe(false)
      expect(await store.find(token.tokenHash)).toEqual(token)
      expect(await store.find('unknown')).toBeNull()
      expect(await store.find({ $ne: null } as never)).toBeNull()
    })

    it('lets exactly one of concurrent uses of a token win', async () => {
      const store = new MongoRefreshTokenStore({ db })
      const token = record()
      await store.create(token)
      const wins = await Promise.all(Array.from({ length: 10 }, () => store.consume(token.tokenHash, now())))
      expect(wins.filter(Boolean)).toHaveLength(1)
      expect((await store.find(token.tokenHash))?.usedAt).not.toBeNull()
    })

    it('deletes families: by id, by access token, and every one of a user but the kept one', async () => {
      const store = new MongoRefreshTokenStore({ db })
      const a1 = record({ familyId: 'a', accessTokenHash: 'access-a' })
      const a2 = record({ familyId: 'a', accessTokenHash: 'access-a2' })
      const b = record({ familyId: 'b', accessTokenHash: 'access-b' })
      const c = record({ familyId: 'c', accessTokenHash: 'access-c' })
      const other = record({ familyId: 'd', userId: 'user-2', accessTokenHash: 'access-d' })
      for (const token of [a1, a2, b, c, other]) await store.create(token)
      await store.deleteFamiliesOfAccessToken('access-a2')
      expect(await store.find(a1.tokenHash)).toBeNull()
      await store.deleteAllForUser('user-1', 'access-b')
      expect(await store.find(b.tokenHash)).toEqual(b)
      expect(await store.find(c.tokenHash)).toBeNull()
      expect(await store.find(other.tokenHash)).toEqual(other)
      expect(await store.deleteFamily('b')).toEqual([{ userId: 'user-1', accessTokenKey: 'jti:access-a' }])
      expect(await store.find(b.tokenHash)).toBeNull()
    })

    it('deletes expired tokens', async () => {
      const store = new MongoRefreshTokenStore({ db })
      const expired = record({ expiresAt: now() - 10 })
      const live = record()
      await store.create(expired)
      await store.create(live)
      await store.deleteExpired(now())
      expect(await store.find(expired.tokenHash)).toBeNull()
      expect(await store.find(live.tokenHash)).toEqual(live)
    })
  })
})
