/**
 * Threat: a genuine token used for what it was not issued for: one purpose's token as
 * another's, a token that outlived its user, its activation, its logout or its single use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let t: SecureApp
const mail: Record<string, string> = {}
beforeAll(async () => {
  t = await buildSecureApp({
    manager: {
      onAfterForgotPassword: (user, token) => { mail[`reset:${user.email}`] = token },
      onAfterRequestVerify: (user, token) => { mail[`verify:${user.email}`] = token },
    },
  })
})
afterAll(() => t.close())

async function session() {
  const { user, password } = await t.createUser()
  const access = (await t.app.inject(loginRequest(user.email, password))).json().access_token as string
  await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: user.email } })
  await t.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email: user.email } })
  await expect.poll(() => mail[`reset:${user.email}`] && mail[`verify:${user.email}`]).toBeTruthy()
  return { user, password, access, reset: mail[`reset:${user.email}`]!, verify: mail[`verify:${user.email}`]! }
}
const me = (token: string) => t.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${token}` } })

describe('purpose-bound tokens', () => {
  it('accepts no token as another kind', async () => {
    const s = await session()
    expect((await me(s.reset)).statusCode).toBe(401)
    expect((await me(s.verify)).statusCode).toBe(401)
    for (const token of [s.access, s.verify]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token, password: 'a brand new password' } })
      expect(res.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
    }
    for (const token of [s.access, s.reset]) {
      expect((await t.app.inject({ method: 'POST', url: '/auth/verify', payload: { token } })).json()).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' })
    }
  })

  it('uses a reset token once, and the password change ends it', async () => {
    const s = await session()
    const reset = (password: string) => t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token: s.reset, password } })
    expect((await reset('a brand new password')).statusCode).toBe(200)
    expect((await reset('another new password')).json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
  })
})

describe('tokens that outlive their user', () => {
  it('stop working when the user is deactivated or deleted, and at logout', async () => {
    const admin = await t.createUser({ is_superuser: true })
    const adminToken = (await t.app.inject(loginRequest(admin.user.email, admin.password))).json().access_token
    const adminCall = (method: 'PATCH' | 'DELETE', id: string, payload?: object) =>
      t.app.inject({ method, url: `/users/${id}`, headers: { authorization: `Bearer ${adminToken}` }, ...(payload ? { payload } : {}) })

    const deactivated = await session()
    expect((await adminCall('PATCH', deactivated.user.id, { is_active: false })).statusCode).toBe(200)
    expect((await me(deactivated.access)).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token: deactivated.reset, password: 'a brand new password' } })).json())
      .toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })

    const deleted = await session()
    expect((await adminCall('DELETE', deleted.user.id)).statusCode).toBe(204)
    expect((await me(deleted.access)).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/auth/verify', payload: { token: deleted.verify } })).json()).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' })

    const loggedOut = await session()
    expect((await t.app.inject({ method: 'POST', url: '/auth/jwt/logout', headers: { authorization: `Bearer ${loggedOut.access}` } })).statusCode).toBe(204)
    expect((await me(loggedOut.access)).statusCode).toBe(401)
  })

  it('a verify token dies when the email changes', async () => {
    const s = await session()
    const patch = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: { authorization: `Bearer ${s.access}` }, payload: { email: `changed-${s.user.email}` } })
    expect(patch.statusCode).toBe(200)
    expect((await t.app.inject({ method: 'POST', url: '/auth/verify', payload: { token: s.verify } })).json()).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' })
  })
})
