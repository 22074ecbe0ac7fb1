/**
 * Refresh tokens, opt-in per backend: the login body gains `refresh_token` (bearer) or a second
 * cookie scoped to the refresh route (cookie); `POST {prefix}/refresh` rotates; reusing a
 * rotated token ends its whole session, the access tokens issued in it included; a repeat
 * within the grace period gets the same successor; logout, logout-all and a password reset end
 * refresh tokens too. Stores: SQL (SQLite, PostgreSQL, MariaDB), MongoDB and memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DatabaseStrategy,
  JwtStrategy,
  MemoryRefreshTokenStore,
  type RefreshTokenStore,
  type Strategy,
} from '../src/index.ts'
import { RedisStrategy } from '../src/redis/index.ts'
import { openTestRedis, type TestRedis } from './support/redis.ts'
import { KyselyRefreshTokenStore, KyselyRevocationStore } from '../src/db/kysely/index.ts'
import { MongoClient } from 'mongodb'
import { MongoRefreshTokenStore } from '../src/db/mongodb/index.ts'
import { newOpaqueToken, sha256Base64url } from '../src/opaque-token.ts'
import { SECRET, form } from './support/app.ts'
import { requireMysql, requirePostgres, requireRedis } from './support/services.ts'
import { scratchDatabaseName, startMongoTestServer } from './support/mongo-server.ts'
import {
  buildSessionApp,
  cookieHeader,
  openMysqlStore,
  openPostgresStore,
  openSqliteStore,
  type OpenedStore,
  type SessionApp,
} from './support/session-app.ts'

const LIFETIME = 30 * 86400

interface RefreshStoreUnderTest {
  store: RefreshTokenStore
  close(): Promise<void>
}

function refreshTests(
  name: string,
  open: () => Promise<OpenedStore | null>,
  storeOf: (opened: OpenedStore) => Promise<RefreshStoreUnderTest | null>,
): void {
  describe(`refresh tokens with a ${name} store`, () => {
    let opened: OpenedStore | null
    let underTest: RefreshStoreUnderTest | null
    let store: RefreshTokenStore
    let t: SessionApp
    let graced: SessionApp
    let plain: SessionApp
    beforeAll(async () => {
      opened = await open()
      underTest = opened === null ? null : await storeOf(opened)
      if (!opened || !underTest) return
      store = underTest.store
      const strategy = new JwtStrategy({
        secret: SECRET,
        lifetimeSeconds: 900,
        revocation: new KyselyRevocationStore({ db: opened.store.db, dialect: opened.store.dialect }),
      })
      // No grace: every second use is a reuse, without waiting for a grace period to pass.
      t = await buildSessionApp({ store: opened.store, strategy, refresh: { store, lifetimeSeconds: LIFETIME, reuseGraceSeconds: 0 } })
      graced = await buildSessionApp({
        store: opened.store,
        strategy,
        refresh: { store, lifetimeSeconds: LIFETIME, reuseGraceSeconds: 60, successorSecret: SECRET },
      })
      plain = await buildSessionApp({ store: opened.store, strategy })
    })
    afterAll(async () => {
      await t?.close()
      await graced?.close()
      await plain?.close()
      await underTest?.close()
      await opened?.drop()
    })

    const refresh = (refreshToken: string, app: SessionApp = t) => app.post('/auth/jwt/refresh', { json: { refresh_token: refreshToken } })
    async function session() {
      const { user, password } = await t.createUser()
      const body = (await t.login(user, password)).json() as { access_token: string; refresh_token: string }
      return { user, password, access: body.access_token, refresh: body.refresh_token }
    }

    it('leaves the login body byte-exact where refresh is not enabled', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const { user, password } = await plain.createUser()
      const res = await plain.login(user, password)
      expect(res.body).toBe(`{"access_token":"${res.json().access_token}","token_type":"bearer"}`)
      expect((await plain.post('/auth/jwt/refresh', { json: { refresh_token: 'x' } })).statusCode).toBe(404)
    })

    it('adds refresh_token after the FastAPI Users fields of a bearer login, stored only as a hash', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const { user, password } = await t.createUser()
      const res = await t.login(user, password)
      const { access_token, refresh_token } = res.json()
      expect(res.body).toBe(`{"access_token":"${access_token}","token_type":"bearer","refresh_token":"${refresh_token}"}`)
      expect(refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(await store.find(refresh_token)).toBeNull()
      expect(await store.find(sha256Base64url(refresh_token))).toMatchObject({ userId: user.id, usedAt: null })
    })

    it('exchanges a refresh token for a new access token and a new refresh token (JSON or form)', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const s = await session()
      const res = await refresh(s.refresh)
      expect(res.statusCode, res.body).toBe(200)
      const next = res.json()
      expect(Object.keys(next)).toEqual(['access_token', 'token_type', 'refresh_token'])
      expect(next.token_type).toBe('bearer')
      expect(next.refresh_token).not.toBe(s.refresh)
      expect(await t.me(next.access_token)).toBe(200)
      // The access token it replaces is not ended by the refresh: it expires on its own.
      expect(await t.me(s.access)).toBe(200)
      const byForm = await t.app.inject({ method: 'POST', url: '/auth/jwt/refresh', ...form({ grant_type: 'refresh_token', refresh_token: next.refresh_token }) })
      expect(byForm.statusCode, byForm.body).toBe(200)
    })

    it('treats a second use as theft: the whole session ends, its access tokens too; other sessions do not', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const s = await session()
      const other = (await t.login(s.user, s.password)).json()
      const rotated = (await refresh(s.refresh)).json()
      const twice = (await refresh(rotated.refresh_token)).json()
      expect(await t.me(twice.access_token)).toBe(200)
      expect((await refresh(s.refresh)).json()).toEqual({ detail: 'Unauthorized' })
      expect((await refresh(twice.refresh_token)).statusCode).toBe(401)
      for (const access of [s.access, rotated.access_token, twice.access_token]) expect(await t.me(access)).toBe(401)
      expect(await t.me(other.access_token)).toBe(200)
      expect((await refresh(other.refresh_token)).statusCode).toBe(200)
    })

    it('answers a repeat within the grace period with the same successor, and a later reuse still ends everything', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const { user, password } = await graced.createUser()
      const first = (await graced.login(user, password)).json()
      const a = await refresh(first.refresh_token, graced)
      const b = await refresh(first.refresh_token, graced)
      expect([a.statusCode, b.statusCode], b.body).toEqual([200, 200])
      expect(b.json().refresh_token).toBe(a.json().refresh_token)
      expect(b.json().access_token).not.toBe(a.json().access_token)
      for (const res of [a, b]) expect(await graced.me(res.json().access_token)).toBe(200)
      // No successor is stored: only hashes.
      expect(await store.find(a.json().refresh_token)).toBeNull()
      const next = await refresh(a.json().refresh_token, graced)
      expect(next.statusCode).toBe(200)
      // The successor is used now, so presenting its predecessor is no longer a repeat.
      expect((await refresh(first.refresh_token, graced)).statusCode).toBe(401)
      for (const access of [first.access_token, a.json().access_token, b.json().access_token, next.json().access_token]) {
        expect(await graced.me(access)).toBe(401)
      }
      expect((await refresh(next.json().refresh_token, graced)).statusCode).toBe(401)
    })

    it('answers concurrent repeats within the grace period with one successor', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const { user, password } = await graced.createUser()
      const first = (await graced.login(user, password)).json()
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refresh_token, graced)))
      expect(results.map((res) => res.statusCode)).toEqual([200, 200, 200, 200, 200])
      expect(new Set(results.map((res) => res.json().refresh_token)).size).toBe(1)
      expect((await refresh(results[0]!.json().refresh_token, graced)).statusCode).toBe(200)
    })

    it('lets at most one of several concurrent refreshes of one token win, and ends the family', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const s = await session()
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(s.refresh)))
      const won = results.filter((res) => res.statusCode === 200)
      expect(won.length).toBeLessThanOrEqual(1)
      expect(results.filter((res) => res.statusCode === 401).length).toBeGreaterThanOrEqual(1)
      for (const res of won) expect((await refresh(res.json().refresh_token)).statusCode).toBe(401)
    })

    it('refuses unknown, malformed and expired refresh tokens, and asks for one', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const { user } = await t.createUser()
      const expired = newOpaqueToken()
      const now = Math.floor(Date.now() / 1000)
      await store.create({
        tokenHash: sha256Base64url(expired), familyId: newOpaqueToken(), userId: user.id, accessTokenHash: sha256Base64url('a'),
        accessTokenKey: null, createdAt: now - LIFETIME - 10, expiresAt: now - 10, usedAt: null,
      })
      for (const token of [expired, newOpaqueToken(), 'garbage', 'a'.repeat(5000)]) expect((await refresh(token)).statusCode).toBe(401)
      expect((await t.post('/auth/jwt/refresh', { json: {} })).statusCode).toBe(422)
      expect((await t.post('/auth/jwt/refresh')).statusCode).toBe(422)
    })

    it('refuses an inactive user without using the token up, so it works after reactivation', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const s = await session()
      await t.users.manager.update(s.user, { is_active: false })
      expect((await refresh(s.refresh)).statusCode).toBe(401)
      await t.users.manager.update((await t.users.manager.get(s.user.id))!, { is_active: true })
      expect((await refresh(s.refresh)).statusCode).toBe(200)
    })

    it('ends the refresh tokens issued with a logged-out access token, rotated ones included', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const s = await session()
      const next = (await refresh(s.refresh)).json()
      expect((await t.post('/auth/jwt/logout', { token: s.access })).statusCode).toBe(204)
      expect((await refresh(next.refresh_token)).statusCode).toBe(401)
    })

    it('ends every refresh token of the user at logout-all and at a password reset', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const s = await session()
      const second = (await t.login(s.user, s.password)).json()
      await t.post('/auth/jwt/logout-all', { token: s.access })
      expect((await refresh(s.refresh)).statusCode).toBe(401)
      expect((await refresh(second.refresh_token)).statusCode).toBe(401)

      const fresh = (await t.login(s.user, s.password)).json()
      await t.resetPassword(s.user, 'a brand new password')
      expect((await refresh(fresh.refresh_token)).statusCode).toBe(401)
    })

    it('sets an HttpOnly refresh cookie scoped to the refresh route, rotates it, and clears it at logout', async (ctx) => {
      if (!opened || !underTest) return ctx.skip()
      const { user, password } = await t.createUser()
      const res = await t.login(user, password, 'cookie')
      const [access, refreshCookie] = res.headers['set-cookie'] as string[]
      expect(access).toMatch(/^fastapiusersauth=[^;]+; HttpOnly; Max-Age=3600; Path=\/; SameSite=lax; Secure$/)
      expect(refreshCookie).toMatch(
        new RegExp(`^fastapiusersrefresh=[A-Za-z0-9_-]{43}; HttpOnly; Max-Age=${LIFETIME}; Path=/auth/cookie/refresh; SameSite=strict; Secure$`),
      )
      const refreshOnly = refreshCookie!.split(';')[0]!
      const rotated = await t.post('/auth/cookie/refresh', { cookie: refreshOnly })
      expect(rotated.statusCode, rotated.body).toBe(204)
      expect(rotated.body).toBe('')
      const cookies = cookieHeader(rotated)
      expect(cookies).toMatch(/^fastapiusersauth=[^;]+; fastapiusersrefresh=[A-Za-z0-9_-]{43}$/)
      expect((await t.post('/auth/cookie/refresh', { cookie: refreshOnly })).statusCode).toBe(401)

      const fresh = await t.login(user, password, 'cookie')
      const logout = await t.post('/auth/cookie/logout', { cookie: cookieHeader(fresh) })
      expect(logout.headers['set-cookie']).toEqual([
        'fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure',
        'fastapiusersrefresh=""; HttpOnly; Max-Age=0; Path=/auth/cookie/refresh; SameSite=strict; Secure',
      ])
      const freshRefresh = (fresh.headers['set-cookie'] as string[])[1]!.split(';')[0]!
      expect((await t.post('/auth/cookie/refresh', { cookie: freshRefresh })).statusCode).toBe(401)
    })
  })
}

const kysely = async (opened: OpenedStore): Promise<RefreshStoreUnderTest> => ({
  store: new KyselyRefreshTokenStore({ db: opened.store.db }),
  close: async () => {},
})

refreshTests('SQLite', openSqliteStore, kysely)
refreshTests('PostgreSQL', async () => {
  const url = await requirePostgres()
  return url === null ? null : openPostgresStore(url)
}, kysely)
refreshTests('MariaDB', async () => {
  const url = await requireMysql()
  return url === null ? null : openMysqlStore(url)
}, kysely)
refreshTests('memory', openSqliteStore, async () => ({ store: new MemoryRefreshTokenStore(), close: async () => {} }))
// Users in SQLite, refresh tokens in MongoDB: the refresh store is independent of the user store.
refreshTests('MongoDB', openSqliteStore, async () => {
  const server = await startMongoTestServer()
  if (!server) return null
  // Polled heartbeats: the in-process stand-in sometimes ends a streamed one under load, and
  // the driver then clears its pool, failing the operations in flight.
  const client = new MongoClient(server.url, { serverMonitoringMode: 'poll' })
  const db = client.db(scratchDatabaseName())
  return {
    store: new MongoRefreshTokenStore({ db }),
    close: async () => {
      await db.dropDatabase()
      await client.close()
      await server.stop()
    },
  }
})

describe('a refresh reuse ends the access tokens of opaque-token strategies', () => {
  let opened: OpenedStore
  let redis: TestRedis | null
  const apps: SessionApp[] = []
  beforeAll(async () => {
    opened = await openSqliteStore()
    const url = await requireRedis()
    redis = url === null ? null : openTestRedis(url)
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
    await redis?.close()
    await opened.drop()
  })

  const cases: Array<[string, () => Strategy | null]> = [
    ['database (hashed rows)', () => new DatabaseStrategy({ accessTokenDb: opened.store.accessTokens, lifetimeSeconds: 3600 })],
    ['database (plain rows, which end every token of the user)', () => new DatabaseStrategy({ accessTokenDb: opened.store.accessTokens, lifetimeSeconds: 3600, tokenStorage: 'plain' })],
    ['Redis', () => (redis === null ? null : new RedisStrategy({ redis: redis.redis, lifetimeSeconds: 3600, keyPrefix: `${redis.prefix}t:`, userIndexPrefix: `${redis.prefix}u:` }))],
  ]
  for (const [name, strategyOf] of cases) {
    it(name, async (ctx) => {
      const strategy = strategyOf()
      if (strategy === null) return ctx.skip()
      const t = await buildSessionApp({ store: opened.store, strategy, refresh: { store: new KyselyRefreshTokenStore({ db: opened.store.db }), lifetimeSeconds: LIFETIME, reuseGraceSeconds: 0 } })
      apps.push(t)
      const { user, password } = await t.createUser()
      const first = (await t.login(user, password)).json()
      const other = (await t.login(user, password)).json()
      const rotated = (await t.post('/auth/jwt/refresh', { json: { refresh_token: first.refresh_token } })).json()
      expect(await t.me(rotated.access_token)).toBe(200)
      expect((await t.post('/auth/jwt/refresh', { json: { refresh_token: first.refresh_token } })).statusCode).toBe(401)
      expect(await t.me(first.access_token)).toBe(401)
      expect(await t.me(rotated.access_token)).toBe(401)
      expect(await t.me(other.access_token)).toBe(name.startsWith('database (plain') ? 401 : 200)
    })
  }
})
