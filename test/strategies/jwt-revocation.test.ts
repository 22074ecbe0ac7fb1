/**
 * JwtStrategy revocation (CONTRACT, deliberate differences 7 and 10): logout denies the very
 * token until its `exp`, by `jti` or, for tokens without one (FastAPI Users'), by a hash of the
 * signed part; "log out everywhere" bumps the user's generation, which refuses every older
 * token, even one issued within the same second.
 */
import { randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JwtStrategy, MemoryRevocationStore, type UserRecord, type UserLookup } from '../../src/index.ts'
import { RedisRevocationStore } from '../../src/redis/index.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import { SECRET } from '../support/app.ts'
import { requireRedis } from '../support/services.ts'
import { openTestRedis, type TestRedis } from '../support/redis.ts'

function userRecord(): UserRecord {
  return { id: randomUUID(), email: 'a@b.io', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
}

function lookupOf(...users: UserRecord[]): UserLookup {
  const byId = new Map(users.map((user) => [user.id, user]))
  return { get: async (id) => byId.get(id) ?? null }
}

/** The same token with the spare bits of its last base64url character changed: it still verifies. */
function respelled(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(token.at(-1)!)
  return token.slice(0, -1) + alphabet[last ^ 1]
}

describe('JWT logout', () => {
  const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation: new MemoryRevocationStore() })

  it('gives every token a jti, so two logins in one second are two tokens', async () => {
    const user = userRecord()
    const [a, b] = await Promise.all([strategy.writeToken(user), strategy.writeToken(user)])
    expect(a).not.toBe(b)
    const claims = decodeJwt(a)
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'jti', 'sub'])
    expect(claims).toMatchObject({ sub: user.id, aud: ['fastapi-users:auth'] })
  })

  it('ends the logged-out token at once and leaves the user\'s other tokens alone', async () => {
    const user = userRecord()
    const users = lookupOf(user)
    const [a, b] = [await strategy.writeToken(user), await strategy.writeToken(user)]
    expect(await strategy.readToken(a, users)).toEqual(user)
    await strategy.destroyToken(a)
    expect(await strategy.readToken(a, users)).toBeNull()
    expect(await strategy.readToken(b, users)).toEqual(user)
  })

  it('ends a token without jti (as FastAPI Users issues them), in every spelling', async () => {
    const user = userRecord()
    const users = lookupOf(user)
    const legacy = await signJwt({ sub: user.id }, strategy.keys, { audience: ['fastapi-users:auth'], lifetimeSeconds: 3600 })
    const variant = respelled(legacy)
    expect(variant).not.toBe(legacy)
    expect(await strategy.readToken(variant, users)).toEqual(user)
    await strategy.destroyToken(legacy)
    expect(await strategy.readToken(legacy, users)).toBeNull()
    expect(await strategy.readToken(variant, users)).toBeNull()
  })

  it('ignores the logout of an invalid token', async () => {
    await expect(strategy.destroyToken('not-a-jwt')).resolves.toBeUndefined()
  })
})

describe('JWT log out everywhere', () => {
  const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation: new MemoryRevocationStore() })

  it('refuses every older token, one issued within the same second included, and accepts newer ones', async () => {
    const user = userRecord()
    const other = userRecord()
    const users = lookupOf(user, other)
    const old = await strategy.writeToken(user)
    const othersToken = await strategy.writeToken(other)
    const legacy = await signJwt({ sub: user.id }, strategy.keys, { audience: ['fastapi-users:auth'], lifetimeSeconds: 3600 })
    await strategy.revokeAllTokens(user.id)
    const fresh = await strategy.writeToken(user)
    // Issued in the same second as the revocation or not, only the generation tells them apart.
    expect(decodeJwt(old).exp).toBeGreaterThanOrEqual(decodeJwt(fresh).exp! - 1)
    expect(await strategy.readToken(old, users)).toBeNull()
    expect(await strategy.readToken(legacy, users)).toBeNull()
    expect(decodeJwt(fresh).gen).toBe(1)
    expect(await strategy.readToken(fresh, users)).toEqual(user)
    expect(await strategy.readToken(othersToken, users)).toEqual(other)
  })

  it('keeps the excepted token through that revocation only', async () => {
    const user = userRecord()
    const users = lookupOf(user)
    const kept = await strategy.writeToken(user)
    const other = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id, { except: kept })
    expect(await strategy.readToken(kept, users)).toEqual(user)
    expect(await strategy.readToken(other, users)).toBeNull()
    await strategy.revokeAllTokens(user.id)
    expect(await strategy.readToken(kept, users)).toBeNull()
  })

  it('does not keep a token of another user, nor a logged-out one', async () => {
    const user = userRecord()
    const stranger = userRecord()
    const users = lookupOf(user, stranger)
    const mine = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id, { except: await strategy.writeToken(stranger) })
    expect(await strategy.readToken(mine, users)).toBeNull()
    const loggedOut = await strategy.writeToken(user)
    await strategy.destroyToken(loggedOut)
    await strategy.revokeAllTokens(user.id, { except: loggedOut })
    expect(await strategy.readToken(loggedOut, users)).toBeNull()
  })

  it('records nothing for a deleted user, whose tokens fail the user lookup anyway', async () => {
    const user = userRecord()
    const token = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id, { userDeleted: true })
    expect(await strategy.revocation.generation(user.id)).toBe(0)
    expect(await strategy.readToken(token, lookupOf())).toBeNull()
  })
})

describe('JWT revocation shared through Redis by two instances', () => {
  let redis: TestRedis | null = null
  beforeAll(async () => {
    const url = await requireRedis()
    if (url !== null) redis = openTestRedis(url)
  })
  afterAll(() => redis?.close())

  it('lets instance B refuse what instance A logged out or revoked', async (ctx) => {
    if (!redis) return ctx.skip()
    const instance = () =>
      new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation: new RedisRevocationStore({ redis: redis!.redis, keyPrefix: redis!.prefix }) })
    const [a, b] = [instance(), instance()]
    const user = userRecord()
    const users = lookupOf(user)
    const first = await a.writeToken(user)
    const second = await a.writeToken(user)
    expect(await b.readToken(first, users)).toEqual(user)
    await a.destroyToken(first)
    expect(await b.readToken(first, users)).toBeNull()
    expect(await b.readToken(second, users)).toEqual(user)
    await a.revokeAllTokens(user.id)
    expect(await b.readToken(second, users)).toBeNull()
    expect(await b.readToken(await b.writeToken(user), users)).toEqual(user)
  })
})
