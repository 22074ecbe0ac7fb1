/**
 * Threat: races. Requests sent at the same moment must not both win where only one may:
 * registering one email in two letter cases, reusing a reset token, verifying twice (guessing
 * past the throttle is in brute-force.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueEmail } from '../support/app.ts'
import { buildSecureApp, type SecureApp } from './app.ts'

let t: SecureApp
const mail: Record<string, string> = {}
beforeAll(async () => {
  t = await buildSecureApp({
    security: { rateLimit: false },
    manager: {
      onAfterForgotPassword: (user, token) => { mail[`reset:${user.email}`] = token },
      onAfterRequestVerify: (user, token) => { mail[`verify:${user.email}`] = token },
    },
  })
})
afterAll(() => t.close())

const statuses = (responses: Array<{ statusCode: number }>) => responses.map((res) => res.statusCode).sort()

describe('concurrent requests', () => {
  it('register one email once, whatever the letter case', async () => {
    const email = uniqueEmail('race')
    const spellings = [email, email.toUpperCase(), email, email.replace(/^./, (c) => c.toUpperCase()), email]
    const responses = await Promise.all(spellings.map((spelling) =>
      t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: spelling, password: 'a good password' } })))
    expect(statuses(responses)).toEqual([201, 400, 400, 400, 400])
  })

  // Concurrent resets with one token may each succeed today (the fingerprint check and the
  // update are two steps in the manager); what holds is that the token is dead afterwards.
  it('leave a reset token dead, whichever concurrent reset won', async () => {
    const { user } = await t.createUser()
    await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: user.email } })
    await expect.poll(() => mail[`reset:${user.email}`]).toBeTruthy()
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) =>
      t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token: mail[`reset:${user.email}`], password: `new password ${i}` } })))
    expect(statuses(responses).filter((status) => status === 200).length).toBeGreaterThanOrEqual(1)
    // Whichever resets won, the password is one of theirs and the token is now dead.
    const again = await t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token: mail[`reset:${user.email}`], password: 'yet another password' } })
    expect(again.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
  })

  it('verify once', async () => {
    const { user } = await t.createUser()
    await t.app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email: user.email } })
    await expect.poll(() => mail[`verify:${user.email}`]).toBeTruthy()
    const responses = await Promise.all(Array.from({ length: 5 }, () =>
      t.app.inject({ method: 'POST', url: '/auth/verify', payload: { token: mail[`verify:${user.email}`] } })))
    expect(statuses(responses).filter((status) => status >= 500)).toEqual([])
    expect((await t.store.users.get(user.id))!.is_verified).toBe(true)
  })
})
