/**
 * Verified email change: `PATCH /users/me {email}` holds the new address back and mails a
 * token to it (and a notice to the old one); the token makes the change once; uniqueness is
 * checked again then. Refusals: reused, expired, another audience, overtaken, taken meanwhile.
 * Off by default: the address changes at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EMAIL_CHANGE_AUDIENCE, type EmailChangeMessage } from '../../src/email-change/email-change.ts'
import { importJwtKeys } from '../../src/jwt/keys.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import { bearerAuth, buildTestApp, SECRET, uniqueEmail, type TestApp } from '../support/app.ts'

describe('email change off (the default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('changes the address at once, as FastAPI Users does', async () => {
    const { token } = await t.createUser()
    const email = uniqueEmail('now')
    const res = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload: { email } })
    expect(res.json().email).toBe(email)
    expect(() => t.users.emailChangeRoutes()).toThrow(/emailChange option/)
  })
})

describe('verified email change', () => {
  let t: TestApp
  const sent: EmailChangeMessage[] = []
  beforeAll(async () => {
    t = await buildTestApp({ emailChange: { send: (message) => void sent.push(message) } })
  })
  afterAll(() => t.close())

  async function waitForMails(count: number): Promise<void> {
    const deadline = Date.now() + 3000
    while (sent.length < count) {
      if (Date.now() > deadline) throw new Error('the mails were not sent')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  const patchMe = (token: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload })
  const confirm = (token: string) => t.app.inject({ method: 'POST', url: '/auth/email-change/confirm', payload: { token } })

  it('keeps the address, applies the rest, mails the new address a token and the old one a notice', async () => {
    const { user, token } = await t.createUser({ is_verified: true })
    const email = uniqueEmail('new')
    const before = sent.length
    const res = await patchMe(token, { email, password: 'a-new-long-password-42' })
    expect(res.statusCode).toBe(200)
    expect(res.json().email).toBe(user.email)
    expect(res.json().is_verified).toBe(true)
    await waitForMails(before + 2)
    const [confirmMail, notice] = sent.slice(before) as [EmailChangeMessage & { kind: 'confirm' }, EmailChangeMessage]
    expect(confirmMail).toMatchObject({ kind: 'confirm', email })
    expect(notice).toMatchObject({ kind: 'notice', email: user.email, newEmail: email })
    const done = await confirm(confirmMail.token)
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ id: user.id, email, is_verified: true })
    const again = await confirm(confirmMail.token)
    expect(again.statusCode).toBe(400)
    expect(again.json()).toEqual({ detail: 'EMAIL_CHANGE_BAD_TOKEN' })
  })

  it('changes the letter case at once', async () => {
    const { user, token } = await t.createUser()
    // The domain is normalised to lower case; the local part keeps the case given.
    const email = user.email.replace(/^[^@]+/, (local) => local.toUpperCase())
    const res = await patchMe(token, { email })
    expect(res.json().email).toBe(email)
  })

  it('refuses a taken address at once, and one taken meanwhile at confirmation', async () => {
    const { token } = await t.createUser()
    const { user: other } = await t.createUser()
    const taken = await patchMe(token, { email: other.email })
    expect(taken.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' })
    const email = uniqueEmail('contested')
    const before = sent.length
    await patchMe(token, { email })
    await waitForMails(before + 2)
    const { token: changeToken } = sent[before] as { token: string }
    await t.createUser({ email })
    expect((await confirm(changeToken)).json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' })
  })

  it('refuses an overtaken, an expired and a foreign token', async () => {
    const { user, token } = await t.createUser()
    const before = sent.length
    await patchMe(token, { email: uniqueEmail('first') })
    await patchMe(token, { email: uniqueEmail('second') })
    await waitForMails(before + 4)
    const first = (sent[before] as { token: string }).token
    const second = (sent[before + 2] as { token: string }).token
    expect((await confirm(second)).statusCode).toBe(200)
    expect((await confirm(first)).json()).toEqual({ detail: 'EMAIL_CHANGE_BAD_TOKEN' })
    const keys = importJwtKeys({ secret: SECRET })
    const current = (await t.store.users.get(user.id))!.email
    const expired = await signJwt({ sub: user.id, email: current, new_email: uniqueEmail('x') }, keys, { audience: EMAIL_CHANGE_AUDIENCE, lifetimeSeconds: -1 })
    expect((await confirm(expired)).json()).toEqual({ detail: 'EMAIL_CHANGE_BAD_TOKEN' })
    const verifyToken = await signJwt({ sub: user.id, email: current, new_email: uniqueEmail('y') }, keys, { audience: 'fastapi-users:verify', lifetimeSeconds: 60 })
    expect((await confirm(verifyToken)).json()).toEqual({ detail: 'EMAIL_CHANGE_BAD_TOKEN' })
  })
})
