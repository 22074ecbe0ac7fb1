import { createHmac, generateKeyPairSync } from 'node:crypto'
import { createSecretKey } from 'node:crypto'
import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { InvalidTokenError } from '../src/errors.ts'
import { importJwtKeys, JwtKeyError, type JwtAlgorithm } from '../src/jwt/keys.ts'
import { signJwt } from '../src/jwt/sign.ts'
import { verifyJwt } from '../src/jwt/verify.ts'

const SECRET = 'a-secret-of-at-least-thirty-two-characters!'
const AUD = 'fastapi-users:auth'
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

/** A token as PyJWT writes it (FastAPI Users), signed by hand. */
function pyjwtToken(payload: Record<string, unknown>, secret = SECRET, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

function expectInvalid(fn: () => unknown, kind: 'invalid' | 'expired' = 'invalid') {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError)
    expect((error as InvalidTokenError).kind).toBe(kind)
    return
  }
  throw new Error('expected InvalidTokenError')
}

describe('signJwt / verifyJwt', () => {
  const keys = importJwtKeys({ secret: SECRET })

  it('writes FastAPI Users claims: sub, aud as given, integer exp, no iat', async () => {
    const token = await signJwt({ sub: 'abc' }, keys, { audience: [AUD], lifetimeSeconds: 3600 })
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p!, 'base64url').toString()))
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(payload.sub).toBe('abc')
    expect(payload.aud).toEqual([AUD])
    expect(Number.isInteger(payload.exp)).toBe(true)
    expect(Math.abs(payload.exp - (now() + 3600))).toBeLessThanOrEqual(2)
    expect(payload.iat).toBeUndefined()
    expect(verifyJwt(token, keys, { audience: AUD }).sub).toBe('abc')
  })

  it('omits exp with a null lifetime, and requireExp then refuses the token', async () => {
    const token = await signJwt({ sub: 'abc' }, keys, { audience: AUD, lifetimeSeconds: null })
    expect(verifyJwt(token, keys, { audience: AUD }).exp).toBeUndefined()
    expectInvalid(() => verifyJwt(token, keys, { audience: AUD, requireExp: true }))
  })

  it('reads tokens written by PyJWT, with aud as a string or an array', () => {
    expect(verifyJwt(pyjwtToken({ sub: 'x', aud: [AUD], exp: now() + 60 }), keys, { audience: [AUD] }).sub).toBe('x')
    expect(verifyJwt(pyjwtToken({ sub: 'x', aud: AUD, exp: now() + 60 }), keys, { audience: [AUD] }).sub).toBe('x')
  })

  it('agrees with jose on its own tokens', async () => {
    const token = await signJwt({ sub: 'x' }, keys, { audience: [AUD], lifetimeSeconds: 60 })
    const { payload } = await jwtVerify(token, createSecretKey(Buffer.from(SECRET)), { audience: AUD, algorithms: ['HS256'] })
    expect(payload.sub).toBe('x')
  })

  it('refuses an expired token as expired, and a token not yet valid', () => {
    expectInvalid(() => verifyJwt(pyjwtToken({ sub: 'x', aud: AUD, exp: now() - 1 }), keys, { audience: AUD }), 'expired')
    expectInvalid(() => verifyJwt(pyjwtToken({ sub: 'x', aud: AUD, exp: now() }), keys, { audience: AUD }), 'expired')
    expectInvalid(() => verifyJwt(pyjwtToken({ sub: 'x', aud: AUD, nbf: now() + 60 }), keys, { audience: AUD }))
  })

  it('refuses non-numeric time claims', () => {
    for (const claim of ['exp', 'nbf', 'iat']) {
      expectInvalid(() => verifyJwt(pyjwtToken({ sub: 'x', aud: AUD, [claim]: String(now() + 60) }), keys, { audience: AUD }))
    }
  })

  it('refuses another audience, a missing audience and non-string audiences', () => {
    for (const aud of ['fastapi-users:reset', undefined, [1, 2], { a: AUD }]) {
      expectInvalid(() => verifyJwt(pyjwtToken({ sub: 'x', aud, exp: now() + 60 }), keys, { audience: AUD }))
    }
  })

  it('refuses another secret, alg none, another HMAC size, crit and b64=false headers', () => {
    const payload = { sub: 'x', aud: AUD, exp: now() + 60 }
    expectInvalid(() => verifyJwt(pyjwtToken(payload, 'another secret'), keys, { audience: AUD }))
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`
    expectInvalid(() => verifyJwt(none, keys, { audience: AUD }))
    const hs512Input = `${b64({ alg: 'HS512' })}.${b64(payload)}`
    const hs512 = `${hs512Input}.${createHmac('sha512', SECRET).update(hs512Input).digest('base64url')}`
    expectInvalid(() => verifyJwt(hs512, keys, { audience: AUD }))
    expectInvalid(() => verifyJwt(pyjwtToken(payload, SECRET, { alg: 'HS256', crit: ['exp'], exp: 1 }), keys, { audience: AUD }))
    expectInvalid(() => verifyJwt(pyjwtToken(payload, SECRET, { alg: 'HS256', b64: false }), keys, { audience: AUD }))
  })

  it('refuses tampered payloads and signatures, including non-canonical base64url', () => {
    const token = pyjwtToken({ sub: 'x', aud: AUD, exp: now() + 60 })
    const [h, p, s] = token.split('.') as [string, string, string]
    expectInvalid(() => verifyJwt(`${h}.${b64({ sub: 'y', aud: AUD, exp: now() + 60 })}.${s}`, keys, { audience: AUD }))
    expectInvalid(() => verifyJwt(`${h}.${p}.${s.slice(0, -2)}`, keys, { audience: AUD }))
    // Characters outside base64url would be skipped by Buffer.from and decode to the same bytes.
    expectInvalid(() => verifyJwt(`${h}.${p}.${s.slice(0, 4)}!${s.slice(4)}`, keys, { audience: AUD }))
    expectInvalid(() => verifyJwt(`${h}.${p}.${s}=`, keys, { audience: AUD }))
    expectInvalid(() => verifyJwt(`${h}.${p}`, keys, { audience: AUD }))
    expectInvalid(() => verifyJwt('garbage', keys, { audience: AUD }))
    expectInvalid(() => verifyJwt(`${b64([1])}.${p}.${s}`, keys, { audience: AUD }))
  })

  it.each<[JwtAlgorithm, () => { privateKey: unknown; publicKey: unknown }]>([
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['PS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
    ['ES384', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' })],
    ['EdDSA', () => generateKeyPairSync('ed25519')],
  ])('signs and verifies %s, and verifies with the public key alone', async (algorithm, generate) => {
    const pair = generate() as { privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject }
    const signer = importJwtKeys({ algorithm, secret: pair.privateKey })
    const verifier = importJwtKeys({ algorithm, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) })
    const token = await signJwt({ sub: 'x' }, signer, { audience: [AUD], lifetimeSeconds: 60 })
    expect(verifyJwt(token, verifier, { audience: AUD }).sub).toBe('x')
    await expect(signJwt({ sub: 'x' }, verifier, { audience: AUD, lifetimeSeconds: 60 })).rejects.toBeInstanceOf(JwtKeyError)
  })

  it('refuses key confusion: an HS256 token signed with the RSA public key', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string
    const verifier = importJwtKeys({ algorithm: 'RS256', publicKey: pem })
    const forged = pyjwtToken({ sub: 'x', aud: AUD, exp: now() + 60 }, pem)
    expectInvalid(() => verifyJwt(forged, verifier, { audience: AUD }))
  })

  it('refuses at start-up a key that does not fit the algorithm', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    expect(() => importJwtKeys({ algorithm: 'RS256', secret: privateKey })).toThrow(JwtKeyError)
    expect(() => importJwtKeys({ algorithm: 'ES384', secret: privateKey })).toThrow(JwtKeyError)
    expect(() => importJwtKeys({ algorithm: 'HS256', secret: '' })).toThrow(JwtKeyError)
    expect(() => importJwtKeys({ algorithm: 'none' as JwtAlgorithm, secret: SECRET })).toThrow(JwtKeyError)
  })
})
