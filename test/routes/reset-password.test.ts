/**
 * `POST /forgot-password` and `POST /reset-password`: the flow (CONTRACT §5.3; deliberate
 * difference 6: forgot-password works after its response). Bad tokens are in
 * reset-password-tokens.test.ts.
 */
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { bearerAuth, buildTestApp, captureLog, form, settle, uniqueEmail, type TestApp } from '../support/app.ts'

describe('forgot-password and reset-password', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const forgot = (email: unknown) => t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })
  const reset = (token: unknown, password: unknown) =>
    t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token, password } })

  async function requestReset(email: string): Promise<string> {
    const before = t.callsOf('onAfterForgotPassword').length
    expect((await forgot(email)).statusCode).toBe(202)
    return (await t.waitForHook('onAfterForgotPassword', before)).args[1] as string
  }

  function expectJsonNull(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.body).toBe('null')
  }

  it('answers 202 null to known, unknown and inactive addresses; only the known active user gets a token', async () => {
    const active = await t.createUser()
    const inactive = await t.createUser({ is_active: false })
    expectJsonNull(await forgot(uniqueEmail('nobody')), 202)
    expectJsonNull(await forgot(inactive.user.email), 202)
    await settle()
    expect(t.callsOf('onAfterForgotPassword')).toHaveLength(0)

    expectJsonNull(await forgot(active.user.email), 202)
    const call = await t.waitForHook('onAfterForgotPassword')
    expect(call.args).toHaveLength(3)
    expect((call.args[0] as { id: string }).id).toBe(active.user.id)
    expect((call.args[2] as { url: string }).url).toBe('/auth/forgot-password')
    await settle()
    expect(t.callsOf('onAfterForgotPassword')).toHaveLength(1)
  })

  it('mints a reset token of FastAPI Users claims', async () => {
    const { user } = await t.createUser()
    const claims = decodeJwt(await requestReset(user.email))
    expect(claims).toEqual({ sub: user.id, password_fgpt: expect.any(String), aud: 'fastapi-users:reset', exp: expect.any(Number) })
    expect(claims.exp! - Date.now() / 1000).toBeGreaterThan(3500)
    expect(JSON.stringify(claims)).not.toContain(user.hashed_password)
  })

  it('finds the user in any letter case', async () => {
    const { user } = await t.createUser({ email: uniqueEmail('Mixed.Case') })
    const token = await requestReset(user.email.toUpperCase())
    expect(decodeJwt(token).sub).toBe(user.id)
  })

  it('sets the new password: 200 null, the new password logs in, the old one no longer', async () => {
    const { user, password } = await t.createUser()
    const token = await requestReset(user.email)
    expectJsonNull(await reset(token, 'a-brand-new-password'), 200)
    await t.login(user.email, 'a-brand-new-password')
    const old = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password }) })
    expect(old.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })

  it('calls onAfterResetPassword with the user as it was before the update', async () => {
    const { user } = await t.createUser()
    const token = await requestReset(user.email)
    await reset(token, 'a-brand-new-password')
    const calls = t.callsOf('onAfterResetPassword')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args).toHaveLength(2)
    const hookUser = calls[0]!.args[0] as { id: string; hashed_password: string }
    expect(hookUser.id).toBe(user.id)
    expect(hookUser.hashed_password).toBe(user.hashed_password)
    expect((await t.store.users.get(user.id))!.hashed_password).not.toBe(user.hashed_password)
  })

  it('refuses a new password that breaks the policy, and the token stays usable', async () => {
    const { user } = await t.createUser()
    const token = await requestReset(user.email)
    const short = await reset(token, 'short')
    expect(short.statusCode).toBe(400)
    expect(short.json()).toEqual({ detail: { code: 'RESET_PASSWORD_INVALID_PASSWORD', reason: 'Password should be at least 8 characters' } })
    const withEmail = await reset(token, `${user.email}-1`)
    expect(withEmail.json()).toEqual({ detail: { code: 'RESET_PASSWORD_INVALID_PASSWORD', reason: 'Password should not contain e-mail' } })
    expect(t.callsOf('onAfterResetPassword')).toHaveLength(0)
    expectJsonNull(await reset(token, 'a-brand-new-password'), 200)
  })

  it('answers RESET_PASSWORD_BAD_TOKEN, not the password reason, to a bad token with a bad password', async () => {
    const res = await reset('not-a-token', 'short')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
  })

  it('keeps the token valid across an email change', async () => {
    const { user, token: access } = await t.createUser()
    const token = await requestReset(user.email)
    const newEmail = uniqueEmail('moved')
    const patch = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(access), payload: { email: newEmail } })
    expect(patch.statusCode).toBe(200)
    expectJsonNull(await reset(token, 'a-brand-new-password'), 200)
    await t.login(newEmail, 'a-brand-new-password')
  })

  it('answers 422 to invalid bodies', async () => {
    for (const payload of [{}, { email: 'not-an-email' }, { email: null }, { email: 42 }]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    for (const payload of [{}, { token: 'x' }, { password: 'a-long-password' }, { token: null, password: 'a-long-password' }, { token: 'x', password: null }]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/reset-password', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    const malformed = await t.app.inject({ method: 'POST', url: '/auth/reset-password', headers: { 'content-type': 'application/json' }, body: '{' })
    expect(malformed.statusCode).toBe(422)
  })
})

describe('forgot-password works after its response (deliberate difference 6)', () => {
  it('answers 202 before onAfterForgotPassword ends, and a failing hook is logged, never shown', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const started: string[] = []
    const log = captureLog()
    const t = await buildTestApp({
      logger: log.logger,
      manager: {
        onAfterForgotPassword: async (user) => {
          started.push(user.email)
          await gate
          throw new Error('the mail server is down')
        },
      },
    })
    try {
      const { user } = await t.createUser()
      // If the route waited for the hook, this would never resolve.
      const res = await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: user.email } })
      expect(res.statusCode).toBe(202)
      expect(res.body).toBe('null')
      await vi.waitFor(() => expect(started).toEqual([user.email]))
      release()
      await vi.waitFor(() => expect(log.entries().filter((entry) => entry.level === 50).map((entry) => entry.msg)).toEqual([
        'forgot-password failed after the response was sent',
      ]))
    } finally {
      await t.close()
    }
  })
})
