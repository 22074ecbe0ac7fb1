/**
 * How a JWT is named on the denylist (src/revocation/jwt-token.ts): tokens without a usable
 * `jti` (FastAPI Users issues none) are named by a hash of their own signed part, so two such
 * tokens of one user log out separately; the generation claim counts only as a whole number.
 */
import { createHash, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { JwtStrategy, MemoryRevocationStore, type UserRecord } from '../../src/index.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import { jwtGeneration, jwtRevocationClaims, jwtTokenKey } from '../../src/revocation/jwt-token.ts'
import { SECRET } from '../support/app.ts'

function userRecord(): UserRecord {
  return { id: randomUUID(), email: 'a@b.io', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
}

describe('JWT denylist keys', () => {
  const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation: new MemoryRevocationStore() })
  const legacyToken = (claims: Record<string, unknown>, lifetimeSeconds = 3600) =>
    signJwt(claims, strategy.keys, { audience: ['fastapi-users:auth'], lifetimeSeconds })

  it('logs out two jti-less tokens of one user separately', async () => {
    const user = userRecord()
    const users = { get: async (id: string) => (id === user.id ? user : null) }
    const a = await legacyToken({ sub: user.id }, 3600)
    const b = await legacyToken({ sub: user.id }, 3601)
    expect(strategy.tokenKey(a)).not.toBe(strategy.tokenKey(b))
    await strategy.destroyToken(a)
    expect(await strategy.readToken(a, users)).toBeNull()
    expect(await strategy.readToken(b, users)).toEqual(user)
    await strategy.destroyToken(b)
    expect(await strategy.readToken(b, users)).toBeNull()
  })

  it('names a token without a usable jti by the SHA-256 of its signed part', async () => {
    for (const jti of [undefined, 'x'.repeat(65), 'has space', '', 'é']) {
      const token = await legacyToken(jti === undefined ? { sub: 'u' } : { sub: 'u', jti })
      const signedPart = token.split('.').slice(0, 2).join('.')
      const expected = `sha256:${createHash('sha256').update(signedPart).digest('base64url')}`
      expect(jwtTokenKey(token, jti === undefined ? { sub: 'u' } : { sub: 'u', jti })).toBe(expected)
    }
  })

  it('does not let two tokens share a key through an unusable jti', async () => {
    const jti = 'x'.repeat(65)
    const [a, b] = [await legacyToken({ sub: 'a', jti }), await legacyToken({ sub: 'b', jti })]
    expect(jwtTokenKey(a, { sub: 'a', jti })).not.toBe(jwtTokenKey(b, { sub: 'b', jti }))
  })

  it('names a token with a usable jti by it, at the lengths and characters allowed', () => {
    for (const jti of ['a', 'x'.repeat(64), '!~', 'AbC-_09']) expect(jwtTokenKey('h.p.s', { jti })).toBe(`jti:${jti}`)
    expect(jwtTokenKey('h.p.s', { jti: 42 as unknown as string })).toMatch(/^sha256:/)
  })

  it('reads the generation as a positive whole number, anything else as 0', () => {
    expect(jwtGeneration({ gen: 3 })).toBe(3)
    expect(jwtGeneration({ gen: 1 })).toBe(1)
    for (const gen of [undefined, 0, -1, 1.5, '3', 2 ** 53, Infinity, null]) expect(jwtGeneration({ gen })).toBe(0)
  })

  it('issues a fresh random jti, and gen only past generation 0', () => {
    const first = jwtRevocationClaims(0)
    expect(Object.keys(first)).toEqual(['jti'])
    expect(first.jti).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(jwtRevocationClaims(0).jti).not.toBe(first.jti)
    expect(jwtRevocationClaims(2)).toMatchObject({ gen: 2 })
  })
})
