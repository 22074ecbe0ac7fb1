import { createSecretKey, generateKeyPairSync } from 'node:crypto'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { HMAC_ALGORITHMS, importJwtKeys } from '../src/jwt/keys.ts'
import { signJwt } from '../src/jwt/sign.ts'
import { verifyJwt } from '../src/jwt/verify.ts'

const SECRET = 'a-secret-of-at-least-thirty-two-characters!'

describe('signJwt with an HMAC algorithm (node:crypto, synchronous)', () => {
  it.each(HMAC_ALGORITHMS)('writes the very token jose writes (%s)', async (algorithm) => {
    const keys = importJwtKeys({ secret: SECRET, algorithm })
    const claims = { sub: '2efef7d5-f3ac-4129-9fc2-49b83d1a2e29', jti: 'abc', gen: 2, email: 'Zoë@example.com' }
    const token = await signJwt(claims, keys, { audience: ['fastapi-users:auth'], lifetimeSeconds: 3600 })
    const exp = verifyJwt(token, keys, { audience: 'fastapi-users:auth' }).exp!
    const jose = await new SignJWT({ ...claims, aud: ['fastapi-users:auth'] })
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      .setExpirationTime(exp)
      .sign(createSecretKey(Buffer.from(SECRET)))
    expect(token).toBe(jose)
  })

  it('writes no exp with a null lifetime, as jose does', async () => {
    const keys = importJwtKeys({ secret: SECRET })
    const token = await signJwt({ sub: 'x' }, keys, { audience: 'a', lifetimeSeconds: null })
    const jose = await new SignJWT({ sub: 'x', aud: 'a' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(createSecretKey(Buffer.from(SECRET)))
    expect(token).toBe(jose)
  })
})

describe('signJwt with an asymmetric algorithm (jose)', () => {
  it.each([
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
    ['EdDSA', () => generateKeyPairSync('ed25519')],
  ] as const)('signs %s tokens that verify with the public key alone', async (algorithm, generate) => {
    const pair = generate()
    const token = await signJwt({ sub: 'x', gen: 1 }, importJwtKeys({ algorithm, secret: pair.privateKey }), { audience: ['a'], lifetimeSeconds: 60 })
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: algorithm, typ: 'JWT' })
    const payload = verifyJwt(token, importJwtKeys({ algorithm, publicKey: pair.publicKey }), { audience: 'a' })
    expect(payload).toEqual({ sub: 'x', gen: 1, aud: ['a'], exp: payload.exp })
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(50)
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60)
  })

  it('refuses to sign with keys that can only verify', async () => {
    const pair = generateKeyPairSync('ed25519')
    const keys = importJwtKeys({ algorithm: 'EdDSA', publicKey: pair.publicKey })
    await expect(signJwt({ sub: 'x' }, keys, { audience: 'a', lifetimeSeconds: 60 })).rejects.toThrow('these JWT keys can only verify')
  })

  it('writes exp as the lifetime from now, in whole seconds', async () => {
    const keys = importJwtKeys({ secret: SECRET })
    const before = Math.floor(Date.now() / 1000)
    const token = await signJwt({ sub: 'x' }, keys, { audience: 'a', lifetimeSeconds: 100 })
    const exp = verifyJwt(token, keys, { audience: 'a' }).exp!
    expect(Number.isInteger(exp)).toBe(true)
    expect(exp).toBeGreaterThanOrEqual(before + 100)
    expect(exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 100)
  })
})
