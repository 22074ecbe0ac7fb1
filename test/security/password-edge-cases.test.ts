/**
 * Threat: weak passwords, hashing DoS with huge ones, silent truncation, Unicode surprises.
 * The default policy keeps upstream's reasons and order, refuses common and oversized passwords
 * before any hashing, and nothing truncates a password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCommonPassword } from '../../src/common-passwords/index.ts'
import { defaultPasswordPolicy, InvalidPasswordError, PasswordHelper, type PasswordHasher } from '../../src/index.ts'
import { uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

const hashes: string[] = []
const counting: PasswordHasher = (() => {
  const inner = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
  return {
    hash: (password: string) => {
      hashes.push(password)
      return inner.hash(password)
    },
    verifyAndUpdate: (password: string, hash: string) => inner.verifyAndUpdate(password, hash),
    generate: () => inner.generate(),
  }
})()

let t: SecureApp
beforeAll(async () => {
  t = await buildSecureApp({ manager: { passwordHelper: counting } })
})
afterAll(() => t.close())

const reason = (password: string, email = 'someone@example.com'): unknown => {
  try {
    defaultPasswordPolicy(password, { email })
    return null
  } catch (error) {
    return (error as InvalidPasswordError).reason
  }
}
const register = (password: string, email = uniqueEmail()) =>
  t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } })

describe('the default policy', () => {
  it('checks length, then the email, then the maximum, then the blocklist, then the screening', () => {
    expect(reason('1234567')).toBe('Password should be at least 8 characters')
    expect(reason('qwerty')).toBe('Password should be at least 8 characters')
    expect(reason('xsomeone@example.comx', 'someone@example.com')).toBe('Password should not contain e-mail')
    expect(reason('a'.repeat(1025))).toBe('Password should be at most 1024 characters')
    expect(reason('password1')).toBe('Password is too common')
    expect(reason('PassWord1')).toBe('Password is too common')
    expect(reason('vq3xk9wz')).toBeNull()
    expect(reason(`${'z'.repeat(1023)}!`)).toBe('Password should not repeat characters or words')
    expect(reason(`correct horse battery staple ${'z'.repeat(995)}`)).toBeNull()
  })

  it('ships a blocklist of common passwords only', () => {
    for (const common of ['12345678', 'iloveyou', 'qwertyuiop', 'trustno1']) expect(isCommonPassword(common)).toBe(true)
    for (const fresh of ['correct horse battery staple', 'pw-3f9a1c2e-77b', 'adminpassword1']) expect(isCommonPassword(fresh)).toBe(false)
  })

  it('answers with the {code, reason} of CONTRACT §3, and hashes nothing refused', async () => {
    hashes.length = 0
    expect((await register('password123')).json()).toEqual({ detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password is too common' } })
    expect((await register('x'.repeat(500_000))).json()).toEqual({ detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should be at most 1024 characters' } })
    expect(hashes).toEqual([])
  })
})

describe('login with odd passwords', () => {
  it('refuses an absurdly long password cheaply, with 422', async () => {
    hashes.length = 0
    expect((await t.app.inject(loginRequest(uniqueEmail(), 'p'.repeat(100_000)))).statusCode).toBe(422)
    expect(hashes).toEqual([])
  })

  it('never truncates: a password past 72 bytes needs every byte', async () => {
    const password = `${'long-passphrase-'.repeat(6)}end`
    const { user } = await t.createUser({ password })
    expect((await t.app.inject(loginRequest(user.email, password))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(user.email, password.slice(0, 72)))).statusCode).toBe(400)
    expect((await t.app.inject(loginRequest(user.email, `${password.slice(0, -1)}X`))).statusCode).toBe(400)
  })

  it('keeps NUL bytes, and takes every Unicode spelling of the password (NFKC)', async () => {
    const password = 'pa\u0000ss-ca\u0301fé-word'
    const email = uniqueEmail()
    expect((await register(password, email)).statusCode).toBe(201)
    expect((await t.app.inject(loginRequest(email, password))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(email, 'pa'))).statusCode).toBe(400)
    expect((await t.app.inject(loginRequest(email, password.normalize('NFC')))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(email, password.normalize('NFD')))).statusCode).toBe(200)
    expect((await t.app.inject(loginRequest(email, password.replace('\u0000', '')))).statusCode).toBe(400)
  })
})
