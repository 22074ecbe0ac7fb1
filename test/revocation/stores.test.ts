/**
 * The RevocationStore contract, run against every implementation: in memory, Redis, a private
 * three-master Redis Cluster, SQLite
 * PostgreSQL and MariaDB (Kysely). Generations count from a base (0, or Redis's epoch) and every
 * bump counts, even concurrent ones; a bump keeps one token key or none; denials last until
 * their expiry.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryRevocationStore, type RevocationStore } from '../../src/index.ts'
import { KyselyRevocationStore } from '../../src/db/kysely/index.ts'
import { RedisRevocationStore } from '../../src/redis/index.ts'
import { requireMysql, requirePostgres, requireRedis } from '../support/services.ts'
import { openTestRedis, openTestRedisCluster } from '../support/redis.ts'
import { startPrivateRedisCluster } from '../support/private-redis-cluster.ts'
import { openMysqlStore, openPostgresStore, openSqliteStore, type OpenedStore } from '../support/session-app.ts'

interface Subject {
  store: RevocationStore
  close(): Promise<void>
}

const now = () => Math.floor(Date.now() / 1000)

function storeContract(name: string, open: () => Promise<Subject | null>): void {
  describe(`${name} revocation store`, () => {
    let subject: Subject | null
    beforeAll(async () => {
      subject = await open()
    })
    afterAll(() => subject?.close())

    it('starts every user at the same base generation with nothing denied', async (ctx) => {
      if (!subject) return ctx.skip()
      const user = randomUUID()
      const base = await subject.store.generation(user)
      expect(await subject.store.check(user, 'jti:a')).toEqual({ generation: base, kept: null, denied: false })
      expect(await subject.store.generation(randomUUID())).toBe(base)
    })

    it('counts every bump, concurrent ones included', async (ctx) => {
      if (!subject) return ctx.skip()
      const user = randomUUID()
      const base = await subject.store.generation(user)
      await subject.store.bump(user)
      expect(await subject.store.generation(user)).toBe(base + 1)
      await Promise.all(Array.from({ length: 10 }, () => subject!.store.bump(user)))
      expect(await subject.store.generation(user)).toBe(base + 11)
      expect(await subject.store.generation(randomUUID())).toBe(base)
    })

    it('keeps the key given to the latest bump, and only that one', async (ctx) => {
      if (!subject) return ctx.skip()
      const user = randomUUID()
      const base = await subject.store.generation(user)
      await subject.store.bump(user, 'jti:kept')
      expect(await subject.store.check(user, 'jti:x')).toEqual({ generation: base + 1, kept: 'jti:kept', denied: false })
      await subject.store.bump(user)
      expect((await subject.store.check(user, 'jti:x')).kept).toBeNull()
    })

    it('denies a key until its expiry, and for ever without one', async (ctx) => {
      if (!subject) return ctx.skip()
      const user = randomUUID()
      await subject.store.generation(user)
      const live = `jti:${randomUUID()}`
      const expired = `jti:${randomUUID()}`
      const forever = `sha256:${randomUUID()}`
      await subject.store.deny(live, now() + 3600)
      await subject.store.deny(expired, now() - 1)
      await subject.store.deny(forever, null)
      expect((await subject.store.check(user, live)).denied).toBe(true)
      expect((await subject.store.check(user, expired)).denied).toBe(false)
      expect((await subject.store.check(user, forever)).denied).toBe(true)
      expect((await subject.store.check(user, `jti:${randomUUID()}`)).denied).toBe(false)
      await subject.store.deny(live, now() + 7200)
      expect((await subject.store.check(user, live)).denied).toBe(true)
    })
  })
}

storeContract('memory', async () => ({ store: new MemoryRevocationStore(), close: async () => {} }))

storeContract('Redis', async () => {
  const url = await requireRedis()
  if (url === null) return null
  const redis = openTestRedis(url)
  return { store: new RedisRevocationStore({ redis: redis.redis, keyPrefix: redis.prefix }), close: redis.close }
})

storeContract('Redis Cluster', async () => {
  const cluster = await startPrivateRedisCluster()
  if (cluster === null) return null
  const redis = openTestRedisCluster(cluster.client())
  return {
    store: new RedisRevocationStore({ redis: redis.redis, keyPrefix: redis.prefix }),
    async close() {
      await redis.close()
      await cluster.stop()
    },
  }
})

const kysely = (opened: OpenedStore): Subject => ({
  store: new KyselyRevocationStore({ db: opened.store.db, dialect: opened.store.dialect }),
  close: opened.drop,
})

storeContract('SQLite', async () => kysely(await openSqliteStore()))

storeContract('PostgreSQL', async () => {
  const url = await requirePostgres()
  return url === null ? null : kysely(await openPostgresStore(url))
})

storeContract('MariaDB', async () => {
  const url = await requireMysql()
  return url === null ? null : kysely(await openMysqlStore(url))
})
