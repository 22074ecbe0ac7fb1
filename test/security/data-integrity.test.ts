/**
 * Threat: a refused request that still changes something, a response that carries a hash or
 * an internal error, a 500 that describes the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let t: SecureApp
beforeAll(async () => {
  t = await buildSecureApp()
})
afterAll(() => t.close())

describe('refused requests change nothing', () => {
  it('an invalid update keeps the stored user byte for byte', async () => {
    const { user, password } = await t.createUser()
    const other = await t.createUser()
    const token = (await t.app.inject(loginRequest(user.email, password))).json().access_token
    const before = await t.store.users.get(user.id)
    for (const payload of [{ email: other.user.email }, { password: 'short' }, { password: 'password1', email: `new-${user.email}` }, { email: null }, { email: 'not-an-email' }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: { authorization: `Bearer ${token}` }, payload })
      expect(res.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400)
      expect(await t.store.users.get(user.id)).toEqual(before)
    }
  })

  it('a refused registration stores nothing', async () => {
    const email = uniqueEmail()
    for (const password of ['short', 'password123', `x${email}x`]) {
      expect((await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } })).statusCode).toBe(400)
    }
    expect(await t.store.users.getByEmail(email)).toBeNull()
  })
})

describe('what responses carry', () => {
  it('never a hash or a password', async () => {
    const email = uniqueEmail()
    const register = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a good password', hashed_password: 'x' } })
    for (const res of [register]) {
      expect(res.body).not.toMatch(/hashed_password|argon2|a good password/)
    }
  })

  it('a 500 says "Internal Server Error" and nothing more', async () => {
    const broken = await buildSecureApp()
    await broken.store.destroy()
    const res = await broken.app.inject({ method: 'POST', url: '/auth/register', payload: { email: uniqueEmail(), password: 'a good password' } })
    expect(res.statusCode).toBe(500)
    expect(res.body).toBe('{"detail":"Internal Server Error"}')
    await broken.app.close()
  })
})
