/**
 * Reset tokens `POST /reset-password` refuses (CONTRACT §5.3, §8.3), and the fingerprints of
 * FastAPI Users it still accepts (deliberate difference 9).
 */
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PasswordHelper, type UserRecord } from '../../src/index.ts'
import { FAST_HASHING, UNKNOWN_UUID, bearerAuth, buildTestApp, form, signToken, uniqueEmail, type TestApp } from '../support/app.ts'

const NEW_PASSWORD = 'a-brand-new-password'

describe('reset tokens', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const reset = (token: string, password = NEW_PASSWORD) =>
    t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token, password } })

  async function expectBadToken(token: string): Promise<void> {
    const res = await reset(token)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
  }

  async function requestReset(email: string): Promise<string> {
    const before = t.callsOf('onAfterForgotPassword').length
    await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })
    return (await t.waitForHook('onAfterForgotPassword', before)).args[1] as string
  }

  /** A reset token as FastAPI Users mints it: the fingerprint is a password hash of the stored hash. */
  const upstreamToken = (user: UserRecord, fingerprint: string) =>
    signToken({ sub: user.id, password_fgpt: fingerprint, aud: 'fastapi-users:reset' })

  it('refuses garbage', async () => {
    for (const token of ['', 'not-a-token', 'a.b.c', `${await requestReset((await t.createUser()).user.email)}x`]) {
      await expectBadToken(token)
    }
  })

  it('is single-use: the token, and any sibling of it, die with the password', async () => {
    const { user } = await t.createUser()
    const first = await requestReset(user.email)
    const second = await requestReset(user.email)
    const sibling = await upstreamToken(user, await FAST_HASHING.hash(user.hashed_password))
    expect((await reset(first)).statusCode).toBe(200)
    await expectBadToken(first)
    await expectBadToken(second)
    await expectBadToken(sibling)
  })

  it('dies when the password changes through PATCH /users/me', async () => {
    const { user, token: access } = await t.createUser()
    const token = await requestReset(user.email)
    const patch = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(access), payload: { password: 'another-password' } })
    expect(patch.statusCode).toBe(200)
    await expectBadToken(token)
  })

  it('dies when a login rehashes the password, since it is bound to the stored hash', async () => {
    const password = 'a-password-of-old-parameters'
    const oldParameters = new PasswordHelper({ memoryCost: 2048, timeCost: 1, parallelism: 1 })
    const user = await t.store.users.create({
      email: uniqueEmail('rehash'),
      hashed_password: await oldParameters.hash(password),
      is_active: true,
      is_superuser: false,
      is_verified: false,
    })
    const token = await requestReset(user.email)
    await t.login(user.email, password)
    expect((await t.store.users.get(user.id))!.hashed_password).not.toBe(user.hashed_password)
    await expectBadToken(token)
  })

  it('is refused for a deactivated user, and works again after reactivation', async () => {
    const { user } = await t.createUser()
    const token = await requestReset(user.email)
    await t.store.users.update(user, { is_active: false })
    await expectBadToken(token)
    await t.store.users.update(user, { is_active: true })
    expect((await reset(token)).statusCode).toBe(200)
  })

  it('is refused for a deleted user', async () => {
    const { user } = await t.createUser()
    const token = await requestReset(user.email)
    await t.store.users.delete(user)
    await expectBadToken(token)
  })

  it('is refused when signed with another secret, expired, or with claims missing or wrong', async () => {
    const { user } = await t.createUser()
    const claims = decodeJwt(await requestReset(user.email))
    const fingerprint = claims.password_fgpt
    const forged = [
      signToken({ ...claims, exp: undefined }, { secret: 'another-secret-that-is-long-enough-0123456789' }),
      signToken({ ...claims, exp: undefined }, { lifetimeSeconds: -10 }),
      signToken({ sub: user.id, aud: 'fastapi-users:reset' }),
      signToken({ password_fgpt: fingerprint, aud: 'fastapi-users:reset' }),
      signToken({ sub: 'not-a-uuid', password_fgpt: fingerprint, aud: 'fastapi-users:reset' }),
      signToken({ sub: UNKNOWN_UUID, password_fgpt: fingerprint, aud: 'fastapi-users:reset' }),
      signToken({ sub: user.id, password_fgpt: fingerprint, aud: 'fastapi-users:verify' }),
      signToken({ sub: user.id, password_fgpt: 'hmac-sha256:AAAA', aud: 'fastapi-users:reset' }),
      signToken({ sub: user.id, password_fgpt: user.hashed_password, aud: 'fastapi-users:reset' }),
    ]
    for (const token of await Promise.all(forged)) await expectBadToken(token)
    // The untouched token still works: the refusals above were about the forgeries.
    expect((await reset(await signToken({ ...claims, exp: undefined }))).statusCode).toBe(200)
  })

  it('refuses an access token and a verification token', async () => {
    const { user, password } = await t.createUser()
    await expectBadToken(await t.login(user.email, password))
    const cookie = await t.app.inject({ method: 'POST', url: '/auth/cookie/login', ...form({ username: user.email, password }) })
    await expectBadToken(/^fastapiusersauth=([^;]+);/.exec(String(cookie.headers['set-cookie']))![1]!)
    const before = t.callsOf('onAfterRequestVerify').length
    await t.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email: user.email } })
    await expectBadToken((await t.waitForHook('onAfterRequestVerify', before)).args[1] as string)
  })

  it('accepts a token of FastAPI Users v13+, whose fingerprint is an argon2id hash of the hash', async () => {
    const { user } = await t.createUser()
    const fingerprint = await FAST_HASHING.hash(user.hashed_password)
    expect(fingerprint).toMatch(/^\$argon2id\$/)
    const token = await upstreamToken(user, fingerprint)
    expect((await reset(token)).statusCode).toBe(200)
    await t.login(user.email, NEW_PASSWORD)
    await expectBadToken(token)
  })

  it('accepts a token of FastAPI Users v10.3-v12, whose fingerprint is a bcrypt hash of the hash', async () => {
    const { user } = await t.createUser()
    const fingerprint = await bcryptHash(user.hashed_password, 12)
    expect(fingerprint).toMatch(/^\$2b\$12\$/)
    const token = await upstreamToken(user, fingerprint)
    expect((await reset(token)).statusCode).toBe(200)
    await t.login(user.email, NEW_PASSWORD)
    await expectBadToken(token)
  })

  it('refuses an upstream fingerprint of another hash', async () => {
    const { user } = await t.createUser()
    const other = await t.createUser()
    await expectBadToken(await upstreamToken(user, await FAST_HASHING.hash(other.user.hashed_password)))
    await expectBadToken(await upstreamToken(user, await bcryptHash(other.user.hashed_password, 4)))
  })
})
