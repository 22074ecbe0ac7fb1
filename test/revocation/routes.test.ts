/**
 * Revocation over HTTP with the JWT strategy and revocation state in SQL (CONTRACT, deliberate
 * differences 7 and 10): logout ends the token that authenticated it, `logout-all` every token
 * of the user, a forgot/reset password every token; deactivation only suspends tokens; a
 * `PATCH /users/me` password change ends every other token and keeps the one that made the
 * change (unless `revokeOtherTokensOnPasswordChange: false`); a superuser's password change
 * keeps them all. Reset and verify tokens are not access tokens and are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseStrategy, JwtStrategy, MemoryRefreshTokenStore } from '../../src/index.ts'
import { KyselyRevocationStore } from '../../src/db/kysely/index.ts'
import { SECRET } from '../support/app.ts'
import { buildSessionApp, cookieHeader, openSqliteStore, type OpenedStore, type SessionApp } from '../support/session-app.ts'

const patchMe = (t: SessionApp, token: string, json: object) =>
  t.app.inject({ method: 'PATCH', url: '/users/me', headers: { authorization: `Bearer ${token}` }, payload: json })

describe('JWT revocation over HTTP', () => {
  let opened: OpenedStore
  let t: SessionApp
  let lenient: SessionApp
  beforeAll(async () => {
    opened = await openSqliteStore()
    const strategy = new JwtStrategy({
      secret: SECRET,
      lifetimeSeconds: 3600,
      revocation: new KyselyRevocationStore({ db: opened.store.db, dialect: opened.store.dialect }),
    })
    t = await buildSessionApp({ store: opened.store, strategy })
    lenient = await buildSessionApp({ store: opened.store, strategy, revokeOtherTokensOnPasswordChange: false })
  })
  afterAll(async () => {
    await t.close()
    await lenient.close()
    await opened.drop()
  })

  it('logout ends the bearer token at once; the user\'s other tokens keep working', async () => {
    const { user, password } = await t.createUser()
    const [a, b] = [await t.token(user, password), await t.token(user, password)]
    const res = await t.post('/auth/jwt/logout', { token: a })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(await t.me(a)).toBe(401)
    expect((await t.post('/auth/jwt/logout', { token: a })).statusCode).toBe(401)
    expect(await t.me(b)).toBe(200)
  })

  it('logout ends a cookie token too, whichever route is used', async () => {
    const { user, password } = await t.createUser()
    const cookie = cookieHeader(await t.login(user, password, 'cookie'))
    expect((await t.post('/auth/jwt/logout', { cookie })).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: { cookie } })).statusCode).toBe(401)
  })

  it('logout-all ends every token of the user on every backend, and clears the cookie on the cookie route', async () => {
    const { user, password } = await t.createUser()
    const other = await t.createUser()
    const bearer = await t.token(user, password)
    const cookie = cookieHeader(await t.login(user, password, 'cookie'))
    const theirs = await t.token(other.user, other.password)
    const res = await t.post('/auth/cookie/logout-all', { token: bearer })
    expect(res.statusCode).toBe(204)
    expect(res.headers['set-cookie']).toEqual(['fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure'])
    expect(await t.me(bearer)).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: { cookie } })).statusCode).toBe(401)
    expect(await t.me(theirs)).toBe(200)
    expect(await t.me(await t.token(user, password))).toBe(200)
  })

  it('logout-all needs an authenticated active user', async () => {
    expect((await t.post('/auth/jwt/logout-all')).statusCode).toBe(401)
    expect((await t.post('/auth/jwt/logout-all', { token: 'garbage' })).json()).toEqual({ detail: 'Unauthorized' })
  })

  it('a forgot/reset password ends every access token; verify tokens still work', async () => {
    const { user, password } = await t.createUser()
    const token = await t.token(user, password)
    const verifyToken = await t.users.manager.requestVerify(user)
    await t.resetPassword(user, 'a brand new password')
    expect(await t.me(token)).toBe(401)
    expect(await t.me(await t.token(user, 'a brand new password'))).toBe(200)
    expect((await t.users.manager.verify(verifyToken)).is_verified).toBe(true)
  })

  it('logout-all leaves an outstanding reset token usable', async () => {
    const { user, password } = await t.createUser()
    const token = await t.token(user, password)
    const resetToken = await t.users.manager.forgotPassword(user)
    await t.post('/auth/jwt/logout-all', { token })
    const res = await t.post('/auth/reset-password', { json: { token: resetToken, password: 'another new password' } })
    expect(res.statusCode).toBe(200)
  })

  it('deactivation suspends the tokens, and reactivation brings them back', async () => {
    const { user, password } = await t.createUser()
    const token = await t.token(user, password)
    await t.users.manager.update(user, { is_active: false })
    expect(await t.me(token)).toBe(401)
    await t.users.manager.update((await t.users.manager.get(user.id))!, { is_active: true })
    expect(await t.me(token)).toBe(200)
  })

  it('deleting the user ends its tokens', async () => {
    const { user, password } = await t.createUser()
    const token = await t.token(user, password)
    await t.users.manager.delete(user)
    expect(await t.me(token)).toBe(401)
  })

  it('a PATCH /users/me password change ends the other tokens and keeps the one that made it', async () => {
    const { user, password } = await t.createUser()
    const [a, b] = [await t.token(user, password), await t.token(user, password)]
    const cookie = cookieHeader(await t.login(user, password, 'cookie'))
    expect((await patchMe(t, a, { email: `x${user.email}` })).statusCode).toBe(200)
    expect(await t.me(b)).toBe(200)
    expect((await patchMe(t, a, { password: 'a brand new password' })).statusCode).toBe(200)
    expect(await t.me(a)).toBe(200)
    expect(await t.me(b)).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: { cookie } })).statusCode).toBe(401)
  })

  it('with revokeOtherTokensOnPasswordChange: false, a PATCH password change keeps every token, as upstream', async () => {
    const { user, password } = await lenient.createUser()
    const [a, b] = [await lenient.token(user, password), await lenient.token(user, password)]
    expect((await patchMe(lenient, a, { password: 'a brand new password' })).statusCode).toBe(200)
    expect(await lenient.me(a)).toBe(200)
    expect(await lenient.me(b)).toBe(200)
  })

  it("a superuser's change of another user's password keeps that user's tokens, as upstream", async () => {
    const admin = await t.createUser({ is_superuser: true })
    const { user, password } = await t.createUser()
    const adminToken = await t.token(admin.user, admin.password)
    const token = await t.token(user, password)
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/users/${user.id}`,
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { password: 'a brand new password' },
    })
    expect(res.statusCode).toBe(200)
    expect(await t.me(token)).toBe(200)
    expect(await t.me(adminToken)).toBe(200)
  })
})

describe('a password change with the database strategy and refresh tokens', () => {
  let opened: OpenedStore
  let t: SessionApp
  beforeAll(async () => {
    opened = await openSqliteStore()
    const strategy = new DatabaseStrategy({ accessTokenDb: opened.store.accessTokens, lifetimeSeconds: 3600 })
    t = await buildSessionApp({ store: opened.store, strategy, refresh: { store: new MemoryRefreshTokenStore(), lifetimeSeconds: 3600 } })
  })
  afterAll(async () => {
    await t.close()
    await opened.drop()
  })

  it('keeps the session that made the change, refresh token included, and ends the others', async () => {
    const { user, password } = await t.createUser()
    const [mine, theirs] = [(await t.login(user, password)).json(), (await t.login(user, password)).json()]
    expect((await patchMe(t, mine.access_token, { password: 'a brand new password' })).statusCode).toBe(200)
    expect(await t.me(mine.access_token)).toBe(200)
    expect(await t.me(theirs.access_token)).toBe(401)
    expect((await t.post('/auth/jwt/refresh', { json: { refresh_token: theirs.refresh_token } })).statusCode).toBe(401)
    expect((await t.post('/auth/jwt/refresh', { json: { refresh_token: mine.refresh_token } })).statusCode).toBe(200)
  })
})
