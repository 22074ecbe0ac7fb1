/**
 * DatabaseStrategy (CONTRACT §7) over HTTP, on SQLite, PostgreSQL and MariaDB: opaque
 * 43-character tokens, stored as their SHA-256 by default or as themselves (FastAPI Users'
 * table); fixed lifetime from `created_at`; logout deletes the row; log out everywhere,
 * password reset and deletion end every token; deactivation only suspends them.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseStrategy } from '../../src/index.ts'
import { sha256Base64url } from '../../src/opaque-token.ts'
import { requireMysql, requirePostgres } from '../support/services.ts'
import {
  buildSessionApp,
  cookieHeader,
  openMysqlStore,
  openPostgresStore,
  openSqliteStore,
  type OpenedStore,
  type SessionApp,
} from '../support/session-app.ts'

const TOKEN = /^[A-Za-z0-9_-]{43}$/

function databaseStrategyTests(name: string, open: () => Promise<OpenedStore | null>): void {
  describe(`DatabaseStrategy on ${name}`, () => {
    let opened: OpenedStore | null
    let t: SessionApp
    let plain: SessionApp
    beforeAll(async () => {
      opened = await open()
      if (!opened) return
      const accessTokenDb = opened.store.accessTokens
      t = await buildSessionApp({ store: opened.store, strategy: new DatabaseStrategy({ accessTokenDb, lifetimeSeconds: 3600 }) })
      plain = await buildSessionApp({
        store: opened.store,
        strategy: new DatabaseStrategy({ accessTokenDb, lifetimeSeconds: 3600, tokenStorage: 'plain' }),
      })
    })
    afterAll(async () => {
      await t?.close()
      await plain?.close()
      await opened?.drop()
    })

    it('logs in with a 43-character token that authenticates as bearer and as cookie', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await t.createUser()
      const res = await t.login(user, password)
      const token = res.json().access_token
      expect(res.body).toBe(`{"access_token":"${token}","token_type":"bearer"}`)
      expect(token).toMatch(TOKEN)
      expect(await t.me(token)).toBe(200)
      const cookie = cookieHeader(await t.login(user, password, 'cookie'))
      expect(cookie).toMatch(/^fastapiusersauth=[A-Za-z0-9_-]{43}(;|$)/)
      expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: { cookie } })).json().id).toBe(user.id)
    })

    it('stores the SHA-256 of the token, never the token, by default', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await t.createUser()
      const token = await t.token(user, password)
      expect(await opened!.store.accessTokens.getByToken(token)).toBeNull()
      expect(await opened!.store.accessTokens.getByToken(sha256Base64url(token))).toMatchObject({ user_id: user.id })
    })

    it("with tokenStorage 'plain', reads a row as FastAPI Users writes it, and writes rows the same way", async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await plain.createUser()
      const upstream = randomBytes(32).toString('base64url')
      await opened!.store.accessTokens.create({ token: upstream, user_id: user.id, created_at: new Date() })
      expect(await plain.me(upstream)).toBe(200)
      // A hashing strategy cannot read it: the table holds one kind of value or the other.
      expect(await t.me(upstream)).toBe(401)
      const token = await plain.token(user, password)
      expect(await opened!.store.accessTokens.getByToken(token)).toMatchObject({ user_id: user.id })
    })

    it('refuses a token past its lifetime, counted from its creation', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user } = await t.createUser()
      const [old, recent] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')]
      await opened!.store.accessTokens.create({ token: sha256Base64url(old), user_id: user.id, created_at: new Date(Date.now() - 3601_000) })
      await opened!.store.accessTokens.create({ token: sha256Base64url(recent), user_id: user.id, created_at: new Date(Date.now() - 3500_000) })
      expect(await t.me(old)).toBe(401)
      expect(await t.me(recent)).toBe(200)
    })

    it('refuses malformed and unknown tokens without asking the database anything odd', async (ctx) => {
      if (!opened) return ctx.skip()
      for (const token of ['x', 'a'.repeat(2000), `${'a'.repeat(42)}'`, randomBytes(32).toString('base64url')]) {
        expect(await t.me(token)).toBe(401)
      }
    })

    it('deletes the row at logout: that token is refused at once, the others still work', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await t.createUser()
      const [a, b] = [await t.token(user, password), await t.token(user, password)]
      expect((await t.post('/auth/jwt/logout', { token: a })).statusCode).toBe(204)
      expect(await opened!.store.accessTokens.getByToken(sha256Base64url(a))).toBeNull()
      expect(await t.me(a)).toBe(401)
      expect(await t.me(b)).toBe(200)
    })

    it('ends every token of the user at logout-all, and only that user\'s', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await t.createUser()
      const other = await t.createUser()
      const [a, b] = [await t.token(user, password), await t.token(user, password)]
      const theirs = await t.token(other.user, other.password)
      expect((await t.post('/auth/jwt/logout-all', { token: a })).statusCode).toBe(204)
      expect(await t.me(a)).toBe(401)
      expect(await t.me(b)).toBe(401)
      expect(await t.me(theirs)).toBe(200)
    })

    it('ends every token at a password reset, suspends them while the user is inactive, and drops them with the user', async (ctx) => {
      if (!opened) return ctx.skip()
      const { user, password } = await t.createUser()
      const before = await t.token(user, password)
      await t.resetPassword(user, 'a brand new password')
      expect(await t.me(before)).toBe(401)
      const after = await t.token(user, 'a brand new password')
      expect(await t.me(after)).toBe(200)

      const stored = (await t.users.manager.get(user.id))!
      await t.users.manager.update(stored, { is_active: false })
      expect(await t.me(after)).toBe(401)
      await t.users.manager.update(stored, { is_active: true })
      expect(await t.me(after)).toBe(200)

      await t.users.manager.delete(stored)
      expect(await opened!.store.accessTokens.getByToken(sha256Base64url(after))).toBeNull()
      expect(await t.me(after)).toBe(401)
    })
  })
}

databaseStrategyTests('SQLite', openSqliteStore)
databaseStrategyTests('PostgreSQL', async () => {
  const url = await requirePostgres()
  return url === null ? null : openPostgresStore(url)
})
databaseStrategyTests('MariaDB', async () => {
  const url = await requireMysql()
  return url === null ? null : openMysqlStore(url)
})
