import { createSecretKey } from 'node:crypto'
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
