/**
 * The verifier's guards on the token's shape, each proven on a token whose signature is valid,
 * so that only the guard under test can refuse it: the size cap, segments that are JSON but
 * not objects, non-canonical base64url, and a string audience that merely contains the
 * expected one or is contained in it.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../src/errors.ts'
import { importJwtKeys } from '../src/jwt/keys.ts'
import { verifyJwt } from '../src/jwt/verify.ts'

const SECRET = 'a-secret-of-at-least-thirty-two-characters!'
const AUD = 'fastapi-users:auth'
const keys = importJwtKeys({ secret: SECRET })
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const HEADER = b64({ alg: 'HS256', typ: 'JWT' })
const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'x', aud: AUD, exp: Math.floor(Date.now() / 1000) + 60, ...extra })

/** Signs the two segments exactly as spelled. */
function signed(h: string, p: string): string {
  return `${h}.${p}.${createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url')}`
}

function expectRefused(token: string, audience: string | string[] = AUD): void {
  expect(() => verifyJwt(token, keys, { audience })).toThrow(InvalidTokenError)
}

describe('verifyJwt input shape', () => {
  it('accepts the well-formed token the refusals below are variations of', () => {
    expect(verifyJwt(signed(HEADER, b64(claims())), keys, { audience: AUD }).sub).toBe('x')
  })

  it('refuses a validly signed token over 16 KiB, and accepts one just under', () => {
    const small = signed(HEADER, b64(claims({ pad: '' })))
    const room = 16_384 - small.length
    const fits = signed(HEADER, b64(claims({ pad: 'a'.repeat(Math.floor((room * 3) / 4) - 4) })))
    expect(fits.length).toBeLessThanOrEqual(16_384)
    expect(verifyJwt(fits, keys, { audience: AUD }).sub).toBe('x')
    const oversized = signed(HEADER, b64(claims({ pad: 'a'.repeat(12_300) })))
    expect(oversized.length).toBeGreaterThan(16_384)
    expectRefused(oversized)
  })

  it('refuses validly signed headers and payloads that are JSON but not objects', () => {
    for (const value of [[claims()], null, 42, '"a string"', true]) {
      expectRefused(signed(HEADER, b64(value)))
    }
    // A header array holding an object with the right alg.
    expectRefused(signed(b64([{ alg: 'HS256', typ: 'JWT' }]), b64(claims())))
    expectRefused(signed(b64(null), b64(claims())))
    expectRefused(signed(b64('HS256'), b64(claims())))
  })

  it('refuses validly signed segments in non-canonical base64url that decode to the right bytes', () => {
    const p = b64(claims({ pad: '\u00ff\u00fe?>' }))
    expect(p).toMatch(/[-_]/)
    // Padding, the standard alphabet, and a stray character the decoder stops at.
    expectRefused(signed(`${HEADER}=`, p))
    expectRefused(signed(HEADER, `${p}=`))
    expectRefused(signed(HEADER, p.replaceAll('-', '+').replaceAll('_', '/')))
    expectRefused(signed(`${HEADER}!`, p))
    expectRefused(signed(HEADER, `${p} `))
    for (const token of [signed(HEADER, p.replaceAll('-', '+').replaceAll('_', '/')), signed(`${HEADER}!`, p)]) {
      // The decoder alone would have read them as the genuine token.
      const [h, q] = token.split('.') as [string, string]
      expect(JSON.parse(Buffer.from(h, 'base64url').toString()).alg).toBe('HS256')
      expect(JSON.parse(Buffer.from(q, 'base64url').toString()).sub).toBe('x')
    }
  })

  it('refuses a validly signed token with a non-canonical signature segment', () => {
    const token = signed(HEADER, b64(claims()))
    const [h, p, s] = token.split('.') as [string, string, string]
    expect(verifyJwt(`${h}.${p}.${s}`, keys, { audience: AUD }).sub).toBe('x')
    expectRefused(`${h}.${p}.${s.replaceAll('-', '+').replaceAll('_', '/')}${s.includes('-') || s.includes('_') ? '' : '='}`)
  })

  it('refuses a string audience that is a prefix, a suffix or a substring of the accepted one', () => {
    for (const aud of ['fastapi-users', 'fastapi-users:', 'auth', 'users:au', '', 'f']) {
      expectRefused(signed(HEADER, b64(claims({ aud }))))
      expectRefused(signed(HEADER, b64(claims({ aud }))), [AUD])
      expectRefused(signed(HEADER, b64(claims({ aud: [aud] }))))
    }
    // Nor one that contains it.
    expectRefused(signed(HEADER, b64(claims({ aud: `${AUD}:admin` }))))
    expectRefused(signed(HEADER, b64(claims({ aud: `x${AUD}` }))))
    expect(verifyJwt(signed(HEADER, b64(claims({ aud: ['other', AUD] }))), keys, { audience: AUD }).sub).toBe('x')
    expect(verifyJwt(signed(HEADER, b64(claims())), keys, { audience: ['other', AUD] }).sub).toBe('x')
  })
})
