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

  it('refuses a non-string token, and takes one of exactly 16 KiB', () => {
    for (const token of [42, null, undefined, ['a.b.c'], { length: 3 }]) {
      expect(() => verifyJwt(token as never, keys, { audience: AUD })).toThrow(InvalidTokenError)
    }
    let exact: string | undefined
    for (let n = 11_900; n < 12_400 && exact === undefined; n++) {
      for (const typ of ['JWT', 'JWTx', 'JWTxy']) {
        const token = signed(b64({ alg: 'HS256', typ }), b64(claims({ pad: 'a'.repeat(n) })))
        if (token.length === 16_384) exact = token
      }
    }
    expect(exact).toBeDefined()
    expect(verifyJwt(exact!, keys, { audience: AUD }).sub).toBe('x')
  })

  it('refuses a header naming another algorithm, even over a signature the pinned one accepts', () => {
    for (const alg of ['HS512', 'none', 'RS256', undefined]) expectRefused(signed(b64({ alg, typ: 'JWT' }), b64(claims())))
  })

  it('refuses a validly signed payload that is not valid UTF-8', () => {
    const json = Buffer.from(JSON.stringify(claims({ name: 'X' })))
    // The byte 0xff, never valid in UTF-8, in place of X: a lenient decoder reads U+FFFD.
    const raw = Buffer.concat([json.subarray(0, json.indexOf('"X"')), Buffer.from([0x22, 0xff, 0x22]), json.subarray(json.indexOf('"X"') + 3)])
    expect(() => JSON.parse(raw.toString('utf8'))).not.toThrow()
    expectRefused(signed(HEADER, raw.toString('base64url')))
  })

  it('refuses iss, sub and jti that are not strings', () => {
    for (const claim of ['iss', 'sub', 'jti']) {
      for (const value of [1, { $ne: null }, ['x'], true, null]) expectRefused(signed(HEADER, b64(claims({ [claim]: value }))))
    }
    expect(verifyJwt(signed(HEADER, b64(claims({ iss: 'i', jti: 'j' }))), keys, { audience: AUD }).iss).toBe('i')
  })

  it('applies nbf, iat and exp at their edges, within the clock tolerance and no further', () => {
    const now = 1_000_000
    const at = (extra: Record<string, unknown>, clockTolerance?: number) =>
      verifyJwt(signed(HEADER, b64({ sub: 'x', aud: AUD, ...extra })), keys, { audience: AUD, now, clockTolerance })
    const refused = (extra: Record<string, unknown>, clockTolerance?: number) =>
      expect(() => at(extra, clockTolerance)).toThrow(InvalidTokenError)
    expect(at({ nbf: now }).sub).toBe('x')
    refused({ nbf: now + 1 })
    expect(at({ nbf: now + 10 }, 10).sub).toBe('x')
    refused({ nbf: now + 11 }, 10)
    expect(at({ iat: now }).sub).toBe('x')
    refused({ iat: now + 1 })
    expect(at({ iat: now + 10 }, 10).sub).toBe('x')
    refused({ iat: now + 11 }, 10)
    expect(at({ exp: now + 1 }).sub).toBe('x')
    refused({ exp: now })
    expect(at({ exp: now - 9 }, 10).sub).toBe('x')
    refused({ exp: now - 10 }, 10)
    expect(at({ exp: now + 5 }, 10).sub).toBe('x')
    expect(at({ iat: now - 100, nbf: now - 100 }).sub).toBe('x')
  })

  it('refuses an audience array that holds anything but strings, the accepted one included', () => {
    expectRefused(signed(HEADER, b64(claims({ aud: [AUD, 1] }))))
    expectRefused(signed(HEADER, b64(claims({ aud: [null, AUD] }))))
  })
})
