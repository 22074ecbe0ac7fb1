/**
 * `GET|PATCH /users/me` (CONTRACT §5.5; deliberate differences 1, 2 and 5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, buildTestApp, uniqueEmail, type TestApp } from '../support/app.ts'

describe('/users/me', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const getMe = (token: string) => t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(token) })
  const patchMe = (token: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload })

  it('returns exactly the current user', async () => {
    const { user, token } = await t.createUser({ is_verified: true })
    const res = await getMe(token)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: true })
    expect(Object.keys(res.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
  })

  it('answers 401 without a token, with a bad one, and to an inactive user, before reading the body', async () => {
    const inactive = await t.createUser({ is_active: false })
    for (const token of ['', 'not-a-token', inactive.token]) {
      for (const res of [await getMe(token), await patchMe(token, { email: null })]) {
        expect(res.statusCode).toBe(401)
        expect(res.json()).toEqual({ detail: 'Unauthorized' })
      }
    }
  })

  it('answers an empty body with the unchanged user', async () => {
    const { user, token } = await t.createUser()
    const res = await patchMe(token, {})
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: false })
  })

  it('ignores the privileged fields, null included (deliberate difference 1)', async () => {
    const unverified = await t.createUser()
    const verified = await t.createUser({ is_verified: true })
    const bodies = [
      { is_superuser: true, is_active: false, is_verified: true, id: unverified.user.id, hashed_password: 'x' },
      { is_superuser: null, is_active: null, is_verified: null },
    ]
    for (const body of bodies) {
      const res = await patchMe(unverified.token, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(200)
      expect(res.json()).toMatchObject({ is_active: true, is_superuser: false, is_verified: false })
    }
    expect((await patchMe(verified.token, { is_verified: false })).json().is_verified).toBe(true)
    const stored = await t.store.users.get(unverified.user.id)
    expect(stored).toMatchObject({ is_active: true, is_superuser: false, is_verified: false, hashed_password: unverified.user.hashed_password })
  })

  it('changes the email, normalized, and resets is_verified', async () => {
    const { user, token } = await t.createUser({ is_verified: true })
    const local = uniqueEmail('New.Name').split('@')[0]!
    const res = await patchMe(token, { email: `${local}@Example.COM` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: user.id, email: `${local}@example.com`, is_active: true, is_superuser: false, is_verified: false })
  })

  it('treats the same email as a no-op that keeps is_verified', async () => {
    const { user, token } = await t.createUser({ is_verified: true })
    const res = await patchMe(token, { email: user.email })
    expect(res.json()).toMatchObject({ email: user.email, is_verified: true })
  })

  it('changes only the letter case of the own email, keeping is_verified (deliberate difference 2)', async () => {
    const { user, password, token } = await t.createUser({ email: uniqueEmail('lower'), is_verified: true })
    const [local, domain] = user.email.split('@') as [string, string]
    const res = await patchMe(token, { email: `${local.toUpperCase()}@${domain}` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ email: `${local.toUpperCase()}@${domain}`, is_verified: true })
    expect((await t.store.users.get(user.id))!.email).toBe(`${local.toUpperCase()}@${domain}`)
    await t.login(user.email, password)
  })

  it('refuses an email another user has, in any letter case', async () => {
    const { token } = await t.createUser()
    const other = await t.createUser({ email: uniqueEmail('Taken') })
    for (const email of [other.user.email, other.user.email.toLowerCase(), other.user.email.toUpperCase()]) {
      const res = await patchMe(token, { email })
      expect(res.statusCode, email).toBe(400)
      expect(res.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' })
    }
  })

  it('changes the password', async () => {
    const { user, token } = await t.createUser()
    expect((await patchMe(token, { password: 'a-brand-new-password' })).statusCode).toBe(200)
    expect((await t.store.users.get(user.id))!.hashed_password).not.toBe(user.hashed_password)
    await t.login(user.email, 'a-brand-new-password')
  })

  it('treats password null as absent', async () => {
    const { user, token } = await t.createUser()
    expect((await patchMe(token, { password: null })).statusCode).toBe(200)
    expect((await t.store.users.get(user.id))!.hashed_password).toBe(user.hashed_password)
  })

  it('refuses a password that breaks the policy, before looking at the email', async () => {
    const { user, token } = await t.createUser()
    const other = await t.createUser()
    const short = await patchMe(token, { password: 'short', email: other.user.email })
    expect(short.statusCode).toBe(400)
    expect(short.json()).toEqual({ detail: { code: 'UPDATE_USER_INVALID_PASSWORD', reason: 'Password should be at least 8 characters' } })
    const withEmail = await patchMe(token, { password: `${user.email}!` })
    expect(withEmail.json()).toEqual({ detail: { code: 'UPDATE_USER_INVALID_PASSWORD', reason: 'Password should not contain e-mail' } })
    expect((await t.store.users.get(user.id))!.hashed_password).toBe(user.hashed_password)
  })

  it('gives onAfterUpdate the changed fields, the password as `true`, never its value (deliberate difference 5)', async () => {
    const { user, token } = await t.createUser({ is_verified: true })
    const email = uniqueEmail('changed')
    await patchMe(token, { password: 'a-secret-new-password', email, is_superuser: true })
    const calls = t.callsOf('onAfterUpdate')
    expect(calls).toHaveLength(1)
    const [hookUser, changed, request] = calls[0]!.args as [{ id: string; email: string }, Record<string, unknown>, { url: string }]
    expect(hookUser).toMatchObject({ id: user.id, email })
    expect(changed).toEqual({ password: true, email, is_verified: false })
    expect(JSON.stringify(changed)).not.toContain('a-secret-new-password')
    expect(request.url).toBe('/users/me')
  })

  it('answers 422 to invalid values, null email included (deliberate difference 1)', async () => {
    const { user, token } = await t.createUser()
    for (const payload of [{ email: null }, { email: 'not-an-email' }, { password: 42 }, { email: ['a@example.com'] }]) {
      const res = await patchMe(token, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    const malformed = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: { ...bearerAuth(token), 'content-type': 'application/json' }, body: '{"email"' })
    expect(malformed.statusCode).toBe(422)
    expect(await t.store.users.get(user.id)).toEqual(user)
  })
})

describe('/users/me when verification is required', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ requiresVerification: true })
  })
  afterAll(() => t.close())

  it('answers 403 to an unverified user and 200 to a verified one', async () => {
    const unverified = await t.createUser()
    const verified = await t.createUser({ is_verified: true })
    for (const method of ['GET', 'PATCH'] as const) {
      const refused = await t.app.inject({ method, url: '/users/me', headers: bearerAuth(unverified.token), payload: {} })
      expect(refused.statusCode).toBe(403)
      expect(refused.json()).toEqual({ detail: 'Forbidden' })
      const accepted = await t.app.inject({ method, url: '/users/me', headers: bearerAuth(verified.token), payload: {} })
      expect(accepted.statusCode).toBe(200)
    }
  })
})
