/**
 * Refresh tokens, opt-in per backend: the login body gains `refresh_token` (bearer) or a second
 * cookie scoped to the refresh route (cookie); `POST {prefix}/refresh` rotates; reusing a
 * rotated token ends its whole family; logout, logout-all and a password reset end refresh
 * tokens too. Stores: SQL (SQLite, PostgreSQL) and memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  JwtStrategy,
  MemoryRefreshTokenStore,
  type RefreshTokenStore,
} from '../src/index.ts'
import { KyselyRefreshTokenStore, KyselyRevocationStore } from '../src/db/kysely/index.ts'
import { newOpaqueToken, sha256Base64url } from '../src/opaque-token.ts'
import { SECRET, form } from './support/app.ts'
import { requirePostgres } from './support/services.ts'
import { buildSessionApp, cookieHeader, openPostgresStore, openSqliteStore, type OpenedStore, type SessionApp } from './support/session-app.ts'

const LIFETIME = 30 * 86400

function refreshTests(name: string, open: () => Promise<OpenedStore | null>, storeOf: (opened: OpenedStore) => RefreshTokenStore): void {
  describe(`refresh tokens with a ${name} store`, () => {
    let opened: OpenedStore | null
    let store: RefreshTokenStore
    let t: SessionApp
    let plain: SessionApp
    beforeAll(async () => {
      opened = await open()
      if (!opened) return
      store = storeOf(opened)
      const strategy = new JwtStrategy({
        secret: SECRET,
        lifetimeSeconds: 900,
        revocation: new KyselyRevocationStore({ db: opened.store.db, dialect: opened.store.dialect }),
      })
      t = await buildSessionApp({ store: opened.store, strategy, refresh: { store, lifetimeSeconds: LIFETIME } })
      plain = await buildSessionApp({ store: opened.store, strategy })
    })
    afterAll(async () => {
      await t?.close()
      await plain?.close()
      await opened?.drop()
    })

    const refresh = (refreshToken: string) => t.post('/auth/jwt/refresh', { json: { refresh_token: refreshToken } })
    async function session() {
      const { user, password } = await t.createUser()
      const body = (await t.login(user, password)).json() as { access_token: string; refresh_token: string }
      return { user, password, access: body.access_token, refresh: body.refresh_token }
    }

    it('leaves the login body byte-exact where refresh is not enabled', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await plain.createUser()
      const res = await plain.login(user, password)
      expect(res.body).toBe(`{"access_token":"${res.json().access_token}","token_type":"bearer"}`)
      expect((await plain.post('/auth/jwt/refresh', { json: { refresh_token: 'x' } })).statusCode).toBe(404)
    })

    it('adds refresh_token after the FastAPI Users fields of a bearer login, stored only as a hash', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await t.createUser()
      const res = await t.login(user, password)
      const { access_token, refresh_token } = res.json()
      expect(res.body).toBe(`{"access_token":"${access_token}","token_type":"bearer","refresh_token":"${refresh_token}"}`)
      expect(refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(await store.find(refresh_token)).toBeNull()
      expect(await store.find(sha256Base64url(refresh_token))).toMatchObject({ userId: user.id, usedAt: null })
    })

    it('exchanges a refresh token for a new access token and a new refresh token (JSON or form)', async (ctx) => {
      if (!opened) return ctx.skip()
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

    it('treats a second use as theft: the whole family ends, other sessions do not', async (ctx) => {
      if (!opened) return ctx.skip()
      const s = await session()
      const other = await t.login(s.user, s.password)
      const rotated = (await refresh(s.refresh)).json().refresh_token
      expect((await refresh(s.refresh)).json()).toEqual({ detail: 'Unauthorized' })
      expect((await refresh(rotated)).statusCode).toBe(401)
      expect((await refresh(other.json().refresh_token)).statusCode).toBe(200)
    })

    it('lets at most one of several concurrent refreshes of one token win, and ends the family', async (ctx) => {
      if (!opened) return ctx.skip()
      const s = await session()
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(s.refresh)))
      const won = results.filter((res) => res.statusCode === 200)
      expect(won.length).toBeLessThanOrEqual(1)
      expect(results.filter((res) => res.statusCode === 401).length).toBeGreaterThanOrEqual(1)
      for (const res of won) expect((await refresh(res.json().refresh_token)).statusCode).toBe(401)
    })

    it('refuses unknown, malformed and expired refresh tokens, and asks for one', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user } = await t.createUser()
      const expired = newOpaqueToken()
      const now = Math.floor(Date.now() / 1000)
      await store.create({
        tokenHash: sha256Base64url(expired), familyId: newOpaqueToken(), userId: user.id, accessTokenHash: sha256Base64url('a'),
        createdAt: now - LIFETIME - 10, expiresAt: now - 10, usedAt: null,
      })
      for (const token of [expired, newOpaqueToken(), 'garbage', 'a'.repeat(5000)]) expect((await refresh(token)).statusCode).toBe(401)
      expect((await t.post('/auth/jwt/refresh', { json: {} })).statusCode).toBe(422)
      expect((await t.post('/auth/jwt/refresh')).statusCode).toBe(422)
    })

    it('refuses an inactive user without using the token up, so it works after reactivation', async (ctx) => {
      if (!opened) return ctx.skip()
      const s = await session()
      await t.users.manager.update(s.user, { is_active: false })
      expect((await refresh(s.refresh)).statusCode).toBe(401)
      await t.users.manager.update((await t.users.manager.get(s.user.id))!, { is_active: true })
      expect((await refresh(s.refresh)).statusCode).toBe(200)
    })

    it('ends the refresh tokens issued with a logged-out access token, rotated ones included', async (ctx) => {
      if (!opened) return ctx.skip()
      const s = await session()
      const next = (await refresh(s.refresh)).json()
      expect((await t.post('/auth/jwt/logout', { token: s.access })).statusCode).toBe(204)
      expect((await refresh(next.refresh_token)).statusCode).toBe(401)
    })

    it('ends every refresh token of the user at logout-all and at a password reset', async (ctx) => {
      if (!opened) return ctx.skip()
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
      if (!opened) return ctx.skip()
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

refreshTests('SQLite', openSqliteStore, (opened) => new KyselyRefreshTokenStore({ db: opened.store.db }))
refreshTests('PostgreSQL', async () => {
  const url = await requirePostgres()
  return url === null ? null : openPostgresStore(url)
}, (opened) => new KyselyRefreshTokenStore({ db: opened.store.db }))
refreshTests('memory', openSqliteStore, () => new MemoryRefreshTokenStore())
