/**
 * Threat: look-alike addresses. A reset mail must never go to an address the attacker
 * controls because Unicode folding made it "equal" to the victim's (dotless ı, Kelvin sign,
 * ß, full-width letters); lookups fold ASCII only, and mail goes to the stored address.
 * Overlong or malformed addresses are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSecureApp, type SecureApp } from './app.ts'

let t: SecureApp
const mailedTo: string[] = []
beforeAll(async () => {
  t = await buildSecureApp({ manager: { onAfterForgotPassword: (user) => { mailedTo.push(user.email) } } })
})
afterAll(() => t.close())

const forgot = (email: string) => t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })
const register = (email: string) => t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a good password' } })

describe('look-alike addresses', () => {
  it('never mail a look-alike address: only the stored one', async () => {
    const tag = Date.now().toString(36)
    const victim = `mikkel-${tag}@example.com`
    expect((await register(victim)).statusCode).toBe(201)
    const lookalikes = [
      `m\u0131kkel-${tag}@example.com`, // dotless ı, which upper-cases to I
      `\u212Aikkel-${tag}@example.com`.replace('\u212Aikkel', 'mi\u212Akel'), // Kelvin sign, which lower-cases to k
      `ｍikkel-${tag}@example.com`, // full-width m
      `mikkel-${tag}@ex\u0430mple.com`, // Cyrillic а in the domain
    ]
    for (const email of lookalikes) {
      const res = await forgot(email)
      expect([202, 422], email).toContain(res.statusCode)
    }
    await forgot(victim.toUpperCase())
    await expect.poll(() => mailedTo.filter((email) => email.includes(tag)).length).toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    // The Kelvin sign is canonically K (NFC, as email-validator normalises), so that address is
    // the victim's own; whatever matched, the mail went to the stored address only.
    expect(new Set(mailedTo.filter((email) => email.includes(tag)))).toEqual(new Set([victim]))
    for (const email of [lookalikes[0]!, lookalikes[2]!, lookalikes[3]!]) expect(await t.store.users.getByEmail(email)).toBeNull()
  })

  it('keeps look-alike registrations distinct from the original', async () => {
    const tag = Date.now().toString(36)
    expect((await register(`strasse-${tag}@example.com`)).statusCode).toBe(201)
    const res = await register(`stra\u00dfe-${tag}@example.com`)
    expect(res.statusCode).toBe(201)
    expect(res.json().email).toBe(`stra\u00dfe-${tag}@example.com`)
    expect((await register(`STRASSE-${tag}@EXAMPLE.COM`)).json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' })
  })
})

describe('malformed addresses', () => {
  it('refuses overlong, quoted, IP-literal and control-character addresses with 422', async () => {
    for (const email of [`${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`, `${'x'.repeat(5000)}@example.com`, '"a b"@example.com',
      'a@[127.0.0.1]', 'a@localhost', 'a@example.com\r\nBcc: other@example.com', 'a\u200b@example.com', '']) {
      expect((await register(email)).statusCode, email.slice(0, 40)).toBe(422)
    }
  })
})
