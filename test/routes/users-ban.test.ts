/**
 * Bans (issue 15): `GET|PUT|DELETE /users/{id}/ban` with `usersRoutes({ bans: true })` and
 * every refusal; a ban deactivates the user and ends its sessions, a login answers
 * `LOGIN_USER_BANNED` only after the right password, an expired ban is lifted at the next
 * login, and lifting a ban restores the user's former activity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNKNOWN_UUID, bearerAuth, buildTestApp, form, type CreatedUser, type TestApp } from '../support/app.ts'

describe('bans', () => {
  let t: TestApp
  let admin: CreatedUser
  beforeAll(async () => {
    t = await buildTestApp({ usersRoutes: { bans: true } })
    admin = await t.createUser({ is_superuser: true })
  })
  afterAll(() => t.close())

  const ban = (id: string, body: unknown, token = admin.token) =>
    t.app.inject({ method: 'PUT', url: `/users/${id}/ban`, headers: bearerAuth(token), payload: body as object })
  const loginAs = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username, password }) })

  it('bans: the user is deactivated, its sessions end, and only the right password hears why', async () => {
    const target = await t.createUser()
    const session = await t.login(target.user.email, target.password)
    const res = await ban(target.user.id, { reason: 'spam' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ banned: true, reason: 'spam', expires_at: null, banned_by: admin.user.id })
    expect(Date.parse(res.json().banned_at)).not.toBeNaN()
    expect((await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(session) })).statusCode).toBe(401)
    const wrong = await loginAs(target.user.email, 'not-the-password')
    expect(wrong.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    const right = await loginAs(target.user.email, target.password)
    expect(right.statusCode).toBe(400)
    expect(right.json()).toEqual({ detail: 'LOGIN_USER_BANNED' })
    const read = await t.app.inject({ method: 'GET', url: `/users/${target.user.id}/ban`, headers: bearerAuth(admin.token) })
    expect(read.json()).toMatchObject({ banned: true, reason: 'spam' })
    const byId = await t.app.inject({ method: 'GET', url: `/users/${target.user.id}`, headers: bearerAuth(admin.token) })
    expect(byId.json().is_active).toBe(false)

    const lift = await t.app.inject({ method: 'DELETE', url: `/users/${target.user.id}/ban`, headers: bearerAuth(admin.token) })
    expect(lift.statusCode).toBe(204)
    expect((await loginAs(target.user.email, target.password)).statusCode).toBe(200)
    const after = await t.app.inject({ method: 'GET', url: `/users/${target.user.id}/ban`, headers: bearerAuth(admin.token) })
    expect(after.json()).toEqual({ banned: false, reason: null, banned_at: null, expires_at: null, banned_by: null })
  })

  it('lifts an expired ban at the next login, and restores an inactive user as inactive', async () => {
    const target = await t.createUser()
    const soon = new Date(Date.now() + 1500).toISOString()
    expect((await ban(target.user.id, { reason: 'cool off', expires_at: soon })).statusCode).toBe(200)
    expect((await loginAs(target.user.email, target.password)).json()).toEqual({ detail: 'LOGIN_USER_BANNED' })
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect((await loginAs(target.user.email, target.password)).statusCode).toBe(200)

    const dormant = await t.createUser({ is_active: false })
    await ban(dormant.user.id, { reason: 'x' })
    await t.app.inject({ method: 'DELETE', url: `/users/${dormant.user.id}/ban`, headers: bearerAuth(admin.token) })
    expect((await loginAs(dormant.user.email, dormant.password)).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })

  it('refuses: 401 anonymous, 403 non-superuser, 404 unknown user or no ban, 422 bad bodies and past expiry', async () => {
    const target = await t.createUser()
    expect((await t.app.inject({ method: 'PUT', url: `/users/${target.user.id}/ban`, payload: { reason: 'x' } })).statusCode).toBe(401)
    const self = await ban(target.user.id, { reason: 'x' }, target.token)
    expect(self.statusCode).toBe(403)
    expect(self.json()).toEqual({ detail: 'Forbidden' })
    for (const id of [UNKNOWN_UUID, 'nope']) expect((await ban(id, { reason: 'x' })).json()).toEqual({ detail: 'Not Found' })
    const none = await t.app.inject({ method: 'DELETE', url: `/users/${target.user.id}/ban`, headers: bearerAuth(admin.token) })
    expect(none.statusCode).toBe(404)
    for (const body of [{}, { reason: '' }, { reason: 'x', expires_at: 'tomorrow' }, { reason: 42 }]) {
      const res = await ban(target.user.id, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(422)
    }
    const past = await ban(target.user.id, { reason: 'x', expires_at: '2020-01-01T00:00:00Z' })
    expect(past.statusCode).toBe(422)
    expect(past.json()).toEqual({ detail: [{ type: 'value_error', loc: ['body', 'expires_at'], msg: 'expires_at must be in the future' }] })
    expect((await loginAs(target.user.email, target.password)).statusCode).toBe(200)
  })
})

describe('bans, not asked for', () => {
  it('have no routes by default', async () => {
    const t = await buildTestApp()
    try {
      const admin = await t.createUser({ is_superuser: true })
      const res = await t.app.inject({ method: 'PUT', url: `/users/${admin.user.id}/ban`, headers: bearerAuth(admin.token), payload: { reason: 'x' } })
      expect(res.statusCode).toBe(404)
    } finally {
      await t.close()
    }
  })
})
