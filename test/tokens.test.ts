/**
 * Purpose-bound tokens (src/tokens.ts): the audiences FastAPI Users uses, and the reset
 * token's password fingerprint, in our HMAC format and in FastAPI Users' (a password hash of
 * the stored hash), compared in full and refused when unreadable.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { UnknownHashError } from '../src/errors.ts'
import { importJwtKeys } from '../src/jwt/keys.ts'
import { PasswordHelper, type PasswordHasher } from '../src/password.ts'
import {
  AUTH_AUDIENCE,
  OAUTH_STATE_AUDIENCE,
  RESET_PASSWORD_AUDIENCE,
  VERIFY_AUDIENCE,
  fingerprintMatches,
  passwordFingerprint,
} from '../src/tokens.ts'

const SECRET = 'reset-secret-of-at-least-32-characters!'
const keys = importJwtKeys({ secret: SECRET, algorithm: 'HS256' })
const passwords = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
const STORED = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'

function hasher(verifyAndUpdate: PasswordHasher['verifyAndUpdate']): PasswordHasher {
  return { hash: passwords.hash.bind(passwords), generate: passwords.generate.bind(passwords), verifyAndUpdate }
}

describe('token audiences', () => {
  it('are FastAPI Users\' own, so that either server reads the other\'s tokens', () => {
    expect([AUTH_AUDIENCE, RESET_PASSWORD_AUDIENCE, VERIFY_AUDIENCE, OAUTH_STATE_AUDIENCE]).toEqual([
      'fastapi-users:auth',
      'fastapi-users:reset',
      'fastapi-users:verify',
      'fastapi-users:oauth-state',
    ])
  })
})

describe('password fingerprint', () => {
  it('is the HMAC-SHA256 of the stored hash under the reset secret, in a context of its own', () => {
    const expected = createHmac('sha256', SECRET).update('fastify-users password fingerprint\0').update(STORED).digest('base64url')
    expect(passwordFingerprint(STORED, keys)).toBe(`hmac-sha256:${expected}`)
  })

  it('changes with the stored hash and with the secret', () => {
    const other = importJwtKeys({ secret: 'another-reset-secret-of-32-characters!!', algorithm: 'HS256' })
    expect(passwordFingerprint(`${STORED}x`, keys)).not.toBe(passwordFingerprint(STORED, keys))
    expect(passwordFingerprint(STORED, other)).not.toBe(passwordFingerprint(STORED, keys))
  })

  it('matches the hash it was made from, and no other, nor under another secret', async () => {
    const fingerprint = passwordFingerprint(STORED, keys)
    const other = importJwtKeys({ secret: 'another-reset-secret-of-32-characters!!', algorithm: 'HS256' })
    expect(await fingerprintMatches(fingerprint, STORED, keys, passwords)).toBe(true)
    expect(await fingerprintMatches(fingerprint, `${STORED}x`, keys, passwords)).toBe(false)
    expect(await fingerprintMatches(fingerprint, STORED, other, passwords)).toBe(false)
  })

  it('refuses a fingerprint cut short or extended, without throwing', async () => {
    const fingerprint = passwordFingerprint(STORED, keys)
    expect(await fingerprintMatches(fingerprint.slice(0, -4), STORED, keys, passwords)).toBe(false)
    expect(await fingerprintMatches(`${fingerprint}AAAA`, STORED, keys, passwords)).toBe(false)
    expect(await fingerprintMatches('hmac-sha256:', STORED, keys, passwords)).toBe(false)
  })

  it('accepts FastAPI Users\' fingerprint, a password hash of the stored hash, for that hash only', async () => {
    const upstream = await passwords.hash(STORED)
    expect(await fingerprintMatches(upstream, STORED, keys, passwords)).toBe(true)
    expect(await fingerprintMatches(upstream, `${STORED}x`, keys, passwords)).toBe(false)
  })

  it('takes a fingerprint in neither format for a mismatch, and lets other hasher failures through', async () => {
    expect(await fingerprintMatches('not-a-fingerprint', STORED, keys, passwords)).toBe(false)
    const failing = new Error('hasher down')
    const broken = hasher(() => Promise.reject(failing))
    await expect(fingerprintMatches('$argon2id$whatever', STORED, keys, broken)).rejects.toBe(failing)
    const unknown = hasher(() => Promise.reject(new UnknownHashError()))
    expect(await fingerprintMatches('$argon2id$whatever', STORED, keys, unknown)).toBe(false)
    // Our prefix goes to the HMAC comparison, never to the hasher.
    const never = hasher(() => Promise.reject(new Error('the hasher was asked')))
    expect(await fingerprintMatches(passwordFingerprint(STORED, keys), STORED, keys, never)).toBe(true)
  })
})
