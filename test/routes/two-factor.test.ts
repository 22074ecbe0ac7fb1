/**
 * Two-factor on the wire: the management routes (/auth/2fa), the 202 challenge of a password
 * login, and each backend's `/2fa/verify` completing it (bearer and cookie), with each refusal.
 * Without the option nothing changes.
 */
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { bearerAuth, buildTestApp, form, type TestApp } from '../support/app.ts'

const KEY = 'route-test-two-factor-key-of-32-bytes-or-more'

function wrongCode(right: string): string {
  return right === '123456' ? '654321' : '123456'
}

describe('two-factor off (the default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('logs in as before, and has no verify route', async () => {
    const { user, password } = await t.createUser()
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: user.email, password }) })
    expect(res.statusCode).toBe(200)
    expect(Object.keys(res.json())).toEqual(['access_token', 'token_type'])
    const verify = await t.app.inject({ method: 'POST', url: '/auth/jwt/2fa/verify', payload: { challenge_token: 'x', code: '123456' } })
    expect(verify.statusCode).toBe(404)
  })

  it('refuses to build the management routes', () => {
    expect(() => t.users.twoFactorRoutes()).toThrow(/twoFactor option/)
  })
})

describe('two-factor on', () => {
  let t: TestApp
  const clock = { now: 1_800_000_000_000 }
  const store = new MemoryTwoFactorStore()
  beforeAll(async () => {
    t = await buildTestApp({
      twoFactor: { store, encryptionKey: KEY, issuer: 'Example', now: () => clock.now },
    })
  })
  afterAll(() => t.close())

  /** A user with two-factor on, through the routes; the clock is then one step on. */
  async function enrolledUser() {
    const created = await t.createUser()
    const headers = bearerAuth(created.token)
    const enrol = await t.app.inject({ method: 'POST', url: '/auth/2fa/enrol', headers })
    expect(enrol.statusCode, enrol.body).toBe(200)
    const secret = decodeBase32IgnorePadding(enrol.json().secret)
    const code = (offset = 0) => totpCode(secret, totpStep(clock.now / 1000) + offset)
    const confirm = await t.app.inject({ method: 'POST', url: '/auth/2fa/confirm', headers, payload: { code: code() } })
    expect(confirm.statusCode, confirm.body).toBe(200)
    const recoveryCodes = confirm.json().recovery_codes as string[]
    clock.now += 30_000
    return { ...created, headers, code, recoveryCodes }
  }

  const login = (username: string, password: string, backend = 'jwt') =>
    t.app.inject({ method: 'POST', url: `/auth/${backend}/login`, ...form({ username, password }) })
  const verify = (challenge_token: string, code: string, backend = 'jwt') =>
    t.app.inject({ method: 'POST', url: `/auth/${backend}/2fa/verify`, payload: { challenge_token, code } })

  it('leaves the login of a user without two-factor as it was', async () => {
    const { user, password } = await t.createUser()
    const res = await login(user.email, password)
    expect(res.statusCode).toBe(200)
    expect(res.json().token_type).toBe('bearer')
  })

  it('enrols, confirms and reports the status', async () => {
    const { headers, recoveryCodes } = await enrolledUser()
    expect(recoveryCodes).toHaveLength(10)
    const status = await t.app.inject({ method: 'GET', url: '/auth/2fa/', headers })
    expect(status.json()).toEqual({ enabled: true, recovery_codes_left: 10 })
    const again = await t.app.inject({ method: 'POST', url: '/auth/2fa/enrol', headers })
    expect(again.statusCode).toBe(400)
    expect(again.json()).toEqual({ detail: 'TWO_FACTOR_ALREADY_ENABLED' })
  })

  it('answers a password login with a challenge, completed by a code on the same backend', async () => {
    const { user, password, code } = await enrolledUser()
    const before = t.callsOf('onAfterLogin').length
    const res = await login(user.email, password)
    expect(res.statusCode).toBe(202)
    const body = res.json()
    expect(Object.keys(body)).toEqual(['detail', 'challenge_token', 'expires_in'])
    expect(body).toMatchObject({ detail: 'TWO_FACTOR_REQUIRED', expires_in: 300 })
    expect(t.callsOf('onAfterLogin')).toHaveLength(before)
    const done = await verify(body.challenge_token, code())
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json().token_type).toBe('bearer')
    expect(t.callsOf('onAfterLogin')).toHaveLength(before + 1)
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(done.json().access_token) })
    expect(me.json().id).toBe(user.id)
    const reused = await verify(body.challenge_token, code())
    expect(reused.statusCode).toBe(400)
    expect(reused.json()).toEqual({ detail: 'TWO_FACTOR_BAD_CHALLENGE' })
  })

  it('completes a cookie login with the cookie, and refuses the challenge at another backend', async () => {
    const { user, password, code } = await enrolledUser()
    const res = await login(user.email, password, 'cookie')
    expect(res.statusCode).toBe(202)
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('fastapiusersauth=')
    const { challenge_token } = res.json()
    const elsewhere = await verify(challenge_token, code(), 'jwt')
    expect(elsewhere.json()).toEqual({ detail: 'TWO_FACTOR_BAD_CHALLENGE' })
    const done = await verify(challenge_token, code(), 'cookie')
    expect(done.statusCode).toBe(204)
    expect(String(done.headers['set-cookie'])).toMatch(/^fastapiusersauth=/)
  })

  it('refuses a wrong code, a reused code, an access token as challenge, and an expired challenge', async () => {
    const { user, password, code, token } = await enrolledUser()
    const { challenge_token } = (await login(user.email, password)).json()
    const wrong = await verify(challenge_token, wrongCode(code()))
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json()).toEqual({ detail: 'TWO_FACTOR_BAD_CODE' })
    const audience = await verify(token, code())
    expect(audience.json()).toEqual({ detail: 'TWO_FACTOR_BAD_CHALLENGE' })
    const used = code()
    expect((await verify(challenge_token, used)).statusCode).toBe(200)
    const second = (await login(user.email, password)).json().challenge_token
    expect((await verify(second, used)).json()).toEqual({ detail: 'TWO_FACTOR_BAD_CODE' })
    clock.now += 301_000
    expect((await verify(second, code())).json()).toEqual({ detail: 'TWO_FACTOR_BAD_CHALLENGE' })
  })

  it('throttles wrong codes with 429 and Retry-After', async () => {
    const { user, password, code } = await enrolledUser()
    const { challenge_token } = (await login(user.email, password)).json()
    for (let i = 0; i < 5; i++) expect((await verify(challenge_token, wrongCode(code()))).statusCode).toBe(400)
    const throttled = await verify(challenge_token, code())
    expect(throttled.statusCode).toBe(429)
    expect(throttled.headers['retry-after']).toBe('1')
    clock.now += 1_000
    expect((await verify(challenge_token, code())).statusCode).toBe(200)
  })

  it('logs in with a recovery code once', async () => {
    const { user, password, recoveryCodes, headers } = await enrolledUser()
    const first = (await login(user.email, password)).json().challenge_token
    expect((await verify(first, recoveryCodes[0]!)).statusCode).toBe(200)
    const second = (await login(user.email, password)).json().challenge_token
    expect((await verify(second, recoveryCodes[0]!)).json()).toEqual({ detail: 'TWO_FACTOR_BAD_CODE' })
    const status = await t.app.inject({ method: 'GET', url: '/auth/2fa/', headers })
    expect(status.json().recovery_codes_left).toBe(9)
  })

  it('regenerates recovery codes and disables with the current password only', async () => {
    const { user, password, headers } = await enrolledUser()
    const refused = await t.app.inject({ method: 'POST', url: '/auth/2fa/disable', headers, payload: { password: 'not it' } })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual({ detail: 'TWO_FACTOR_INVALID_PASSWORD' })
    const fresh = await t.app.inject({ method: 'POST', url: '/auth/2fa/recovery-codes', headers, payload: { password } })
    expect(fresh.json().recovery_codes).toHaveLength(10)
    const disabled = await t.app.inject({ method: 'POST', url: '/auth/2fa/disable', headers, payload: { password } })
    expect(disabled.statusCode).toBe(200)
    expect(disabled.body).toBe('null')
    const res = await login(user.email, password)
    expect(res.statusCode).toBe(200)
    expect(res.json().token_type).toBe('bearer')
  })

  it('forgets the two-factor record of a deleted user', async () => {
    const { user } = await enrolledUser()
    expect(await store.get(user.id)).not.toBeNull()
    await t.users.manager.delete(user)
    expect(await store.get(user.id)).toBeNull()
  })

  it('guards the management routes', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/2fa/enrol' })
    expect(res.statusCode).toBe(401)
  })
})
