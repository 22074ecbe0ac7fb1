/**
 * Threat: passwords a guesser tries first, which a plain blocklist misses: sequences,
 * repetitions, keyboard walks, the user's own email or its local part, the service's name
 * (NIST SP 800-63B 5.1.1.2). The default policy screens them with zxcvbn-ts after the rules
 * FastAPI Users documents (whose reasons the conformance suite compares), and the 400 says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPasswordPolicy, defaultPasswordPolicy, InvalidPasswordError } from '../../src/index.ts'
import { uniqueEmail } from '../support/app.ts'
import { buildSecureApp, type SecureApp } from './app.ts'

function reasonOf(policy: (password: string, user: { email: string }) => void, password: string, email = 'king.arthur@example.com'): string | null {
  try {
    policy(password, { email })
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPasswordError)
    return (error as InvalidPasswordError).reason as string
  }
}

describe('the default policy', () => {
  it.each([
    ['aaaaaaaaaa', 'Password should not repeat characters or words'],
    ['abcabcabcabcabc', 'Password should not repeat characters or words'],
    ['zyxwvutsrqpon', 'Password should not be a sequence such as abc or 123'],
    ['zxcvbnm,./', 'Password should not be a keyboard pattern such as qwerty'],
    ['19840512', 'Password should not be a date or a year'],
    ['king.arthur-1', 'Password should not contain the e-mail address, its parts or the name of the service'],
    ['arthur1234', 'Password should not contain the e-mail address, its parts or the name of the service'],
  ])('refuses %j: %s', (password, reason) => {
    expect(reasonOf(defaultPasswordPolicy, password)).toBe(reason)
  })

  it.each(['123456789012345', 'qwertyuiopasdfg', '\uff51\uff57\uff45\uff52\uff54\uff59\uff55\uff49\uff4f\uff50'])('refuses %j, a guesser\'s first tries', (password) => {
    expect(reasonOf(defaultPasswordPolicy, password)).not.toBeNull()
  })

  it.each(['vq3xk9wz', 'correct horse battery staple', 'pw-0f3c9a2e-71b4', 'a good long password', 'p\u00e4ssw\u00f6rd-\u00fcn\u00efcode-9'])('accepts %j', (password) => {
    expect(reasonOf(defaultPasswordPolicy, password)).toBeNull()
  })

  it('keeps the documented rules first, with their exact reasons', () => {
    expect(reasonOf(defaultPasswordPolicy, 'aaaa')).toBe('Password should be at least 8 characters')
    expect(reasonOf(defaultPasswordPolicy, 'xxking.arthur@example.comxx')).toBe('Password should not contain e-mail')
    expect(reasonOf(defaultPasswordPolicy, 'password123')).toBe('Password is too common')
    expect(reasonOf(defaultPasswordPolicy, 'a'.repeat(1025))).toBe('Password should be at most 1024 characters')
  })

  it('judges a long password on its first 64 characters, at a bounded cost', () => {
    expect(reasonOf(defaultPasswordPolicy, `${'1'.repeat(64)}-and-a-strong-tail-Zq8#`)).not.toBeNull()
    expect(reasonOf(defaultPasswordPolicy, `correct horse battery staple ${'x'.repeat(900)}`)).toBeNull()
  })
})

describe('createPasswordPolicy', () => {
  it('refuses passwords built on the service name', () => {
    const policy = createPasswordPolicy({ serviceName: 'Excalibur' })
    expect(reasonOf(policy, 'excalibur1234')).toBe('Password should not contain the e-mail address, its parts or the name of the service')
    expect(reasonOf(defaultPasswordPolicy, 'excalibur1234')).not.toBe('Password should not contain the e-mail address, its parts or the name of the service')
  })

  it('turns the screening off with minGuesses 0, and refuses a negative bound', () => {
    expect(reasonOf(createPasswordPolicy({ minGuesses: 0 }), 'aaaaaaaaaa')).toBeNull()
    expect(() => createPasswordPolicy({ minGuesses: -1 })).toThrow(RangeError)
  })
})

describe('on the wire', () => {
  let t: SecureApp
  beforeAll(async () => {
    t = await buildSecureApp()
  })
  afterAll(() => t.close())

  it('answers 400 with the code of the route and the reason, and stores nothing', async () => {
    const email = uniqueEmail('screen')
    const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'qazwsxedcrfv' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().detail.code).toBe('REGISTER_INVALID_PASSWORD')
    expect(res.json().detail.reason).toMatch(/^Password /)
    expect(await t.store.users.getByEmail(email)).toBeNull()
  })
})
