/**
 * Threat: two accounts whose addresses look the same to a person, through Unicode
 * compatibility forms (`ａlice@example.com`, full-width a, against `alice@example.com`), and
 * fresh throttle counts through such spellings. Addresses are NFKC-normalised before
 * validation and uniqueness; FastAPI Users' own normalisation (domain lower-cased, local part
 * kept) still holds. Look-alikes from other scripts stay distinct addresses (documented).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let t: SecureApp
beforeAll(async () => {
  t = await buildSecureApp()
})
afterAll(() => t.close())

const password = 'a good long password'
const register = (email: string) => t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } })
/** Full-width forms of the ASCII letters, digits and signs of `text` (U+FF01–U+FF5E). */
const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
const tag = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

describe('compatibility forms of an address', () => {
  it('is the same account as the ASCII address: registering it again is REGISTER_USER_ALREADY_EXISTS', async () => {
    const email = `alice-${tag()}@example.com`
    expect((await register(email)).statusCode).toBe(201)
    const again = await register(`\uff41${email.slice(1)}`)
    expect(again.json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' })
    expect((await register(fullWidth(email))).json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' })
  })

  it('is stored in NFKC form, and logs in typed either way', async () => {
    const ascii = `bob-${tag()}@example.com`
    const res = await register(fullWidth(ascii))
    expect(res.statusCode).toBe(201)
    expect(res.json().email).toBe(ascii)
    expect((await t.app.inject(loginRequest(ascii, password))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(fullWidth(ascii), password))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(fullWidth(ascii), 'a wrong password'))).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
  })

  it('keeps FastAPI Users normalisation: domain lower-cased, local part as given', async () => {
    const local = `King.Arthur-${tag()}`
    expect((await register(`${local}@Camelot.BT`)).json().email).toBe(`${local}@camelot.bt`)
    expect((await register(`${local.toLowerCase()}@camelot.bt`)).json()).toEqual({ detail: 'REGISTER_USER_ALREADY_EXISTS' })
    const unicode = `p\u00e4ul-${tag()}@B\u00fccher.example`
    expect((await register(unicode.normalize('NFD'))).json().email).toBe(unicode.replace('B\u00fc', 'b\u00fc'))
  })

  it('keeps a look-alike of another script a distinct address (see SECURITY.md)', async () => {
    const email = `carol-${tag()}@example.com`
    expect((await register(email)).statusCode).toBe(201)
    const cyrillic = await register(email.replace('a', '\u0430'))
    expect(cyrillic.statusCode).toBe(201)
    expect(cyrillic.json().email).not.toBe(email)
  })

  it('refuses what NFKC turns into an invalid address, with 422', async () => {
    for (const email of [`a\u2024\u2024b-${tag()}@example.com`, `x\u2025y-${tag()}@example.com`]) {
      expect((await register(email)).statusCode, email).toBe(422)
    }
  })

  it('gives compatibility spellings no fresh login-throttle count', async () => {
    const { user } = await t.createUser()
    const spellings = [user.email, fullWidth(user.email), `\uff53${user.email.slice(1)}`, user.email.toUpperCase()]
    for (let i = 0; i < 10; i++) {
      expect((await t.app.inject(loginRequest(spellings[i % spellings.length]!, `wrong-${i}`))).statusCode).toBe(400)
    }
    expect((await t.app.inject(loginRequest(fullWidth(user.email), 'wrong-again'))).statusCode).toBe(429)
  })
})
