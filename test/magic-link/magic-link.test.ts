/**
 * Magic links: the uniform 202 of the request, the link logging in on the chosen backend
 * (bearer and cookie), account creation on first use (option), and each refusal: reused,
 * expired, another audience, a changed address, an inactive user; and two-factor still asked.
 */
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../src/jwt/sign.ts'
import { importJwtKeys } from '../../src/jwt/keys.ts'
import { MemoryMagicLinkStore } from '../../src/magic-link/memory-store.ts'
import { MAGIC_LINK_AUDIENCE, type MagicLinkMessage } from '../../src/magic-link/magic-links.ts'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { bearerAuth, buildTestApp, SECRET, uniqueEmail, type TestApp } from '../support/app.ts'

/** The mails sent, and a wait for the next one (links go out after the response). */
function outbox() {
  const sent: MagicLinkMessage[] = []
  const waiters: Array<() => void> = []
  return {
    sent,
    send: (message: MagicLinkMessage) => {
      sent.push(message)
      for (const wake of waiters.splice(0)) wake()
    },
    async next(count: number): Promise<MagicLinkMessage> {
      const deadline = Date.now() + 3000
      while (sent.length <= count) {
        if (Date.now() > deadline) throw new Error('no magic link was sent')
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      return sent[count]!
    },
  }
}

describe('magic links off (the default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('has no magic-link route', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/magic-link/login', payload: { token: 'x' } })
    expect(res.statusCode).toBe(404)
    expect(() => t.users.magicLinkRoutes()).toThrow(/magicLink option/)
  })
})

describe('magic links', () => {
  let t: TestApp
  const mail = outbox()
  const clock = { now: Date.now() }
  beforeAll(async () => {
    t = await buildTestApp({ magicLink: { store: new MemoryMagicLinkStore(), send: mail.send, now: () => clock.now } })
  })
  afterAll(() => t.close())

  const requestLink = (email: string) => t.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email } })
  const useLink = (token: string, backend = 'jwt') =>
    t.app.inject({ method: 'POST', url: `/auth/${backend}/magic-link/login`, payload: { token } })

  it('answers 202 null for every address, and mails a link only to an active account', async () => {
    const { user } = await t.createUser()
    const inactive = await t.createUser({ is_active: false })
    const before = mail.sent.length
    for (const email of [uniqueEmail('nobody'), inactive.user.email, user.email]) {
      const res = await requestLink(email)
      expect(res.statusCode).toBe(202)
      expect(res.body).toBe('null')
    }
    const message = await mail.next(before)
    expect(message.email).toBe(user.email)
    expect(message.user?.id).toBe(user.id)
    expect(mail.sent).toHaveLength(before + 1)
  })

  it('logs in once on the chosen backend: bearer, then cookie', async () => {
    const { user } = await t.createUser()
    const before = mail.sent.length
    await requestLink(user.email)
    const { token } = await mail.next(before)
    const res = await useLink(token)
    expect(res.statusCode).toBe(200)
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(res.json().access_token) })
    expect(me.json().id).toBe(user.id)
    const reused = await useLink(token)
    expect(reused.statusCode).toBe(400)
    expect(reused.json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })

    await requestLink(user.email)
    const cookieLink = await mail.next(before + 1)
    const cookie = await useLink(cookieLink.token, 'cookie')
    expect(cookie.statusCode).toBe(204)
    expect(String(cookie.headers['set-cookie'])).toMatch(/^fastapiusersauth=/)
  })

  it('refuses an expired link, another audience, a changed address and an inactive user', async () => {
    const { user } = await t.createUser()
    const before = mail.sent.length
    await requestLink(user.email)
    const { token } = await mail.next(before)
    clock.now += 901_000
    expect((await useLink(token)).json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })
    clock.now = Date.now()

    const keys = importJwtKeys({ secret: SECRET })
    const verifyToken = await signJwt({ sub: user.id, email: user.email, jti: 'x' }, keys, { audience: 'fastapi-users:verify', lifetimeSeconds: 60 })
    expect((await useLink(verifyToken)).json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })
    const forged = await signJwt({ sub: user.id, email: user.email, jti: 'y' }, importJwtKeys({ secret: `${SECRET}-other` }), {
      audience: MAGIC_LINK_AUDIENCE, lifetimeSeconds: 60,
    })
    expect((await useLink(forged)).json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })

    await requestLink(user.email)
    const second = await mail.next(before + 1)
    await t.store.users.update(user, { email: uniqueEmail('moved') })
    expect((await useLink(second.token)).json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })

    const { user: other } = await t.createUser()
    await requestLink(other.email)
    const third = await mail.next(before + 2)
    await t.store.users.update(other, { is_active: false })
    expect((await useLink(third.token)).json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })
  })

  it('does not create accounts unless asked to', async () => {
    const keys = importJwtKeys({ secret: SECRET })
    const email = uniqueEmail('new')
    const token = await signJwt({ email, jti: 'z' }, keys, { audience: MAGIC_LINK_AUDIENCE, lifetimeSeconds: 60 })
    expect((await useLink(token)).json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })
    expect(await t.store.users.getByEmail(email)).toBeNull()
  })
})

describe('magic links with createUsers and two-factor', () => {
  let t: TestApp
  const mail = outbox()
  beforeAll(async () => {
    t = await buildTestApp({
      magicLink: { store: new MemoryMagicLinkStore(), send: mail.send, createUsers: true },
      twoFactor: { store: new MemoryTwoFactorStore(), encryptionKey: 'magic-link-two-factor-key-of-32-bytes-or-more', issuer: 'x' },
    })
  })
  afterAll(() => t.close())

  it('creates a verified account on the first use of a link for an unknown address', async () => {
    const email = uniqueEmail('fresh')
    await t.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email } })
    const message = await mail.next(0)
    expect(message).toMatchObject({ email, user: null })
    expect(await t.store.users.getByEmail(email)).toBeNull()
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/magic-link/login', payload: { token: message.token } })
    expect(res.statusCode, res.body).toBe(200)
    const created = (await t.store.users.getByEmail(email))!
    expect(created).toMatchObject({ is_verified: true, is_active: true, is_superuser: false })
    expect(t.callsOf('onAfterRegister')).toHaveLength(1)
    const again = await t.app.inject({ method: 'POST', url: '/auth/jwt/magic-link/login', payload: { token: message.token } })
    expect(again.json()).toEqual({ detail: 'MAGIC_LINK_BAD_TOKEN' })
  })

  it('asks for the second factor of a user with two-factor on', async () => {
    const { user, token: access } = await t.createUser()
    const headers = bearerAuth(access)
    const enrol = await t.app.inject({ method: 'POST', url: '/auth/2fa/enrol', headers })
    const secret = decodeBase32IgnorePadding(enrol.json().secret)
    await t.app.inject({ method: 'POST', url: '/auth/2fa/confirm', headers, payload: { code: totpCode(secret, totpStep(Date.now() / 1000)) } })
    const before = mail.sent.length
    await t.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email: user.email } })
    const { token } = await mail.next(before)
    const res = await t.app.inject({ method: 'POST', url: '/auth/jwt/magic-link/login', payload: { token } })
    expect(res.statusCode).toBe(202)
    expect(res.json().detail).toBe('TWO_FACTOR_REQUIRED')
  })
})
