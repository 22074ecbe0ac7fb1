/**
 * `POST /request-verify-token` and `POST /verify` (CONTRACT §5.4, §8).
 */
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { UNKNOWN_UUID, bearerAuth, buildTestApp, settle, signToken, uniqueEmail, type TestApp } from '../support/app.ts'

describe('request-verify-token and verify', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const requestToken = (email: unknown) => t.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email } })
  const verify = (token: unknown) => t.app.inject({ method: 'POST', url: '/auth/verify', payload: { token } })

  async function verifyToken(email: string): Promise<string> {
    const before = t.callsOf('onAfterRequestVerify').length
    expect((await requestToken(email)).statusCode).toBe(202)
    return (await t.waitForHook('onAfterRequestVerify', before)).args[1] as string
  }

  async function expectBadToken(token: string): Promise<void> {
    const res = await verify(token)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ detail: 'VERIFY_USER_BAD_TOKEN' })
  }

  it('answers 202 null to every address; only an active unverified user gets a token', async () => {
    const inactive = await t.createUser({ is_active: false })
    const verified = await t.createUser({ is_verified: true })
    const unverified = await t.createUser()
    for (const email of [uniqueEmail('nobody'), inactive.user.email, verified.user.email]) {
      const res = await requestToken(email)
      expect(res.statusCode).toBe(202)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      expect(res.body).toBe('null')
    }
    await settle()
    expect(t.callsOf('onAfterRequestVerify')).toHaveLength(0)

    expect((await requestToken(unverified.user.email.toUpperCase())).body).toBe('null')
    const call = await t.waitForHook('onAfterRequestVerify')
    expect(call.args).toHaveLength(3)
    expect((call.args[0] as { id: string }).id).toBe(unverified.user.id)
    expect(decodeJwt(call.args[1] as string)).toEqual({
      sub: unverified.user.id,
      email: unverified.user.email,
      aud: 'fastapi-users:verify',
      exp: expect.any(Number),
    })
    expect((call.args[2] as { url: string }).url).toBe('/auth/request-verify-token')
    await settle()
    expect(t.callsOf('onAfterRequestVerify')).toHaveLength(1)
  })

  it('verifies: 200 with the user, is_verified true, and onAfterVerify', async () => {
    const { user } = await t.createUser()
    const res = await verify(await verifyToken(user.email))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: true })
    expect((await t.store.users.get(user.id))!.is_verified).toBe(true)
    const calls = t.callsOf('onAfterVerify')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args).toHaveLength(2)
    expect(calls[0]!.args[0]).toMatchObject({ id: user.id, is_verified: true })
  })

  it('answers VERIFY_USER_ALREADY_VERIFIED to a second use', async () => {
    const { user } = await t.createUser()
    const token = await verifyToken(user.email)
    expect((await verify(token)).statusCode).toBe(200)
    const again = await verify(token)
    expect(again.statusCode).toBe(400)
    expect(again.json()).toEqual({ detail: 'VERIFY_USER_ALREADY_VERIFIED' })
    expect(t.callsOf('onAfterVerify')).toHaveLength(1)
  })

  it('verifies an inactive user, who stays inactive', async () => {
    const { user } = await t.createUser()
    const token = await verifyToken(user.email)
    await t.store.users.update(user, { is_active: false })
    const res = await verify(token)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: user.id, is_active: false, is_verified: true })
  })

  it('refuses garbage, a token of another secret, an expired token and tokens missing claims', async () => {
    const { user } = await t.createUser()
    const claims = { sub: user.id, email: user.email, aud: 'fastapi-users:verify' }
    const tokens = [
      'not-a-token',
      await signToken(claims, { secret: 'another-secret-that-is-long-enough-0123456789' }),
      await signToken(claims, { lifetimeSeconds: -10 }),
      await signToken({ sub: user.id, aud: 'fastapi-users:verify' }),
      await signToken({ email: user.email, aud: 'fastapi-users:verify' }),
      await signToken({ ...claims, sub: 'not-a-uuid' }),
      await signToken({ ...claims, sub: UNKNOWN_UUID }),
      await signToken({ ...claims, email: uniqueEmail('nobody') }),
      await signToken({ ...claims, aud: 'fastapi-users:reset' }),
    ]
    for (const token of tokens) await expectBadToken(token)
    expect((await verify(await signToken(claims))).statusCode).toBe(200)
  })

  it('refuses a token whose address changed since', async () => {
    const { user, token: access } = await t.createUser()
    const token = await verifyToken(user.email)
    const patch = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(access), payload: { email: uniqueEmail('moved') } })
    expect(patch.statusCode).toBe(200)
    await expectBadToken(token)
  })

  it('refuses a token whose address now belongs to another user', async () => {
    const { user } = await t.createUser()
    const token = await verifyToken(user.email)
    await t.store.users.delete(user)
    await expectBadToken(token)
    await t.createUser({ email: user.email })
    await expectBadToken(token)
  })

  it('refuses a reset token and an access token', async () => {
    const { user, password } = await t.createUser()
    const before = t.callsOf('onAfterForgotPassword').length
    await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: user.email } })
    await expectBadToken((await t.waitForHook('onAfterForgotPassword', before)).args[1] as string)
    await expectBadToken(await t.login(user.email, password))
  })

  it('answers 422 to invalid bodies', async () => {
    for (const payload of [{}, { email: 'not-an-email' }, { email: null }]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    for (const payload of [{}, { token: null }, { token: 42 }]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/verify', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
  })
})

describe('request-verify-token works after its response (deliberate difference 6)', () => {
  it('answers 202 before onAfterRequestVerify ends', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const finished: string[] = []
    const t = await buildTestApp({
      manager: {
        onAfterRequestVerify: async (user) => {
          await gate
          finished.push(user.email)
        },
      },
    })
    try {
      const { user } = await t.createUser()
      // If the route waited for the hook, this would never resolve.
      const res = await t.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email: user.email } })
      expect(res.statusCode).toBe(202)
      expect(finished).toEqual([])
      release()
      await vi.waitFor(() => expect(finished).toEqual([user.email]))
    } finally {
      await t.close()
    }
  })
})
