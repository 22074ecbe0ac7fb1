/**
 * Threat: a stolen session (a token, an unlocked browser) turned into a stolen account by
 * changing its password or email. When `PATCH /users/me` carries `current_password`, it must
 * be the user's password (400 `UPDATE_USER_INVALID_PASSWORD`, nothing changed), every check
 * counts for the login throttle, and the field is never stored. `requireCurrentPassword` makes
 * it mandatory for password and email changes (ASVS 5.0 V6.2.3; deliberate difference 13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

const INVALID = (reason: string) => ({ detail: { code: 'UPDATE_USER_INVALID_PASSWORD', reason } })

async function session(t: SecureApp) {
  const { user, password } = await t.createUser()
  const token = (await t.app.inject(loginRequest(user.email, password))).json().access_token as string
  const patch = (payload: Record<string, unknown>) => t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload })
  return { user, password, patch }
}

describe('current_password, optional (the default)', () => {
  let t: SecureApp
  beforeAll(async () => {
    t = await buildSecureApp()
  })
  afterAll(() => t.close())

  it('refuses a wrong current password with 400 and changes nothing', async () => {
    const { user, password, patch } = await session(t)
    const before = await t.store.users.get(user.id)
    const res = await patch({ current_password: 'not-the-password', password: 'a brand new password', email: uniqueEmail('new') })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual(INVALID('Current password is incorrect'))
    expect(await t.store.users.get(user.id)).toEqual(before)
    expect((await t.app.inject(loginRequest(user.email, password))).statusCode).toBe(200)
  })

  it('applies the change with the right current password, and never stores or returns the field', async () => {
    const { user, password, patch } = await session(t)
    const email = uniqueEmail('moved')
    const res = await patch({ current_password: password, password: 'a brand new password', email })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: user.id, email, is_active: true, is_superuser: false, is_verified: false })
    const stored = (await t.store.users.get(user.id)) as unknown as Record<string, unknown>
    expect(stored).not.toHaveProperty('current_password')
    expect((await t.app.inject(loginRequest(email, 'a brand new password'))).statusCode).toBe(200)
  })

  it('still lets FastAPI Users clients change the password without it', async () => {
    const { user, patch } = await session(t)
    expect((await patch({ password: 'another fresh password' })).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(user.email, 'another fresh password'))).statusCode).toBe(200)
  })

  it('counts wrong current passwords as failed logins of the account', async () => {
    const { user, password, patch } = await session(t)
    const statuses = []
    for (let i = 0; i < 11; i++) statuses.push((await patch({ current_password: `wrong-${i}` })).statusCode)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400))
    expect(statuses[10]).toBe(429)
    expect((await t.app.inject(loginRequest(user.email, password))).statusCode).toBe(429)
  })

  it('shows current_password as an optional string of the PATCH /users/me body', async () => {
    const schema = t.users.schemas.updateSelf as { properties: Record<string, { type?: string }>; required?: string[] }
    expect(schema.properties['current_password']?.type).toBe('string')
    expect(schema.required ?? []).not.toContain('current_password')
    expect(t.users.schemas.update).not.toHaveProperty('properties.current_password')
  })
})

describe('requireCurrentPassword', () => {
  let t: SecureApp
  beforeAll(async () => {
    t = await buildSecureApp({ usersRoutes: { requireCurrentPassword: true } })
  })
  afterAll(() => t.close())

  it('requires it for a password or an email change, and not for other fields', async () => {
    const { user, password, patch } = await session(t)
    expect((await patch({ password: 'a brand new password' })).json()).toEqual(INVALID('Current password is required'))
    expect((await patch({ email: uniqueEmail('other') })).json()).toEqual(INVALID('Current password is required'))
    expect((await patch({})).statusCode).toBe(200)
    expect((await patch({ password: null })).statusCode).toBe(200)
    expect((await t.store.users.get(user.id))!.hashed_password).toBe(user.hashed_password)
    expect((await patch({ current_password: password, password: 'a brand new password' })).statusCode).toBe(200)
  })
})
