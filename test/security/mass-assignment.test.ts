/**
 * Threat: a client setting fields it must not: privileges, its id, its hash, through register,
 * `PATCH /users/me`, unknown keys or prototype keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueEmail, UNKNOWN_UUID } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let t: SecureApp
beforeAll(async () => {
  t = await buildSecureApp()
})
afterAll(() => t.close())

const PRIVILEGED = { is_superuser: true, is_active: false, is_verified: true, id: UNKNOWN_UUID, hashed_password: '$2b$12$' + 'a'.repeat(53), oauth_accounts: [{ oauth_name: 'x' }], role: 'admin' }

describe('mass assignment', () => {
  it('register ignores privileged and unknown fields', async () => {
    const email = uniqueEmail()
    const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a good password', ...PRIVILEGED } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toEqual({ id: expect.not.stringMatching(UNKNOWN_UUID), email, is_active: true, is_superuser: false, is_verified: false })
    const stored = await t.store.users.getByEmail(email)
    expect(stored!.hashed_password).toMatch(/^\$argon2id\$/)
    expect(stored).not.toHaveProperty('role')
  })

  it('PATCH /users/me ignores privileged fields, whatever their value', async () => {
    const { user, password } = await t.createUser()
    const token = (await t.app.inject(loginRequest(user.email, password))).json().access_token
    for (const payload of [PRIVILEGED, { is_superuser: null, is_active: null }, { is_superuser: 'true' }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: { authorization: `Bearer ${token}` }, payload })
      expect([200, 422]).toContain(res.statusCode)
      const stored = await t.store.users.get(user.id)
      expect(stored).toMatchObject({ id: user.id, is_active: true, is_superuser: false, is_verified: false, hashed_password: user.hashed_password })
    }
  })

  it('a superuser route stays closed to a regular user, whatever the body', async () => {
    const { user, password } = await t.createUser()
    const token = (await t.app.inject(loginRequest(user.email, password))).json().access_token
    const res = await t.app.inject({ method: 'PATCH', url: `/users/${user.id}`, headers: { authorization: `Bearer ${token}` }, payload: { is_superuser: true } })
    expect(res.statusCode).toBe(403)
    expect((await t.store.users.get(user.id))!.is_superuser).toBe(false)
  })
})
