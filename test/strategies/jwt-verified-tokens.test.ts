/**
 * The JWT strategy's verified-token cache (src/jwt/verified-tokens.ts, issue 14): a token read
 * again skips its signature check, but never its expiry, never the revocation check and never
 * the user lookup, so a cached token that was logged out (here or by another instance), that
 * expired, or whose user was deactivated or deleted is refused as without the cache.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthCache, cachedRevocationStore, JwtStrategy, MemoryRevocationStore, type UserLookup, type UserRecord } from '../../src/index.ts'
import { VerifiedTokens } from '../../src/jwt/verified-tokens.ts'
import { SECRET } from '../support/app.ts'

function userRecord(): UserRecord {
  return { id: randomUUID(), email: 'a@b.io', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false }
}

function mutableLookup(...users: UserRecord[]): { users: Map<string, UserRecord>; lookup: UserLookup } {
  const byId = new Map(users.map((user) => [user.id, user]))
  return { users: byId, lookup: { get: async (id) => byId.get(id) ?? null } }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('JWT verified-token cache', () => {
  it('refuses a token seen before once it expires', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] })
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60 })
    const user = userRecord()
    const { lookup } = mutableLookup(user)
    const token = await strategy.writeToken(user)
    expect(await strategy.readToken(token, lookup)).toEqual(user)
    vi.setSystemTime(new Date('2026-01-01T00:00:59Z'))
    expect(await strategy.readToken(token, lookup)).toEqual(user)
    vi.setSystemTime(new Date('2026-01-01T00:01:00Z'))
    expect(await strategy.readToken(token, lookup)).toBeNull()
  })

  it('still asks the revocation store on every read: another instance\'s logout ends a cached token', async () => {
    const store = new MemoryRevocationStore()
    const here = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation: store })
    const there = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation: store })
    const user = userRecord()
    const { lookup } = mutableLookup(user)
    const [a, b, c] = [await here.writeToken(user), await here.writeToken(user), await here.writeToken(user)]
    for (const token of [a, b, c]) expect(await here.readToken(token, lookup)).toEqual(user)
    await there.destroyToken(a)
    expect(await here.readToken(a, lookup)).toBeNull()
    await there.revokeAllTokens(user.id, { except: c })
    expect(await here.readToken(b, lookup)).toBeNull()
    expect(await here.readToken(c, lookup)).toEqual(user)
  })

  it('with the auth cache, a logout or a log-out-everywhere through it ends a cached token at once', async () => {
    const cache = new AuthCache({ channel: null, ttlMs: 60_000 })
    await cache.open()
    const revocation = cachedRevocationStore(new MemoryRevocationStore(), cache)
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation })
    const user = userRecord()
    const { lookup } = mutableLookup(user)
    const [a, b] = [await strategy.writeToken(user), await strategy.writeToken(user)]
    expect(await strategy.readToken(a, lookup)).toEqual(user)
    expect(await strategy.readToken(b, lookup)).toEqual(user)
    await strategy.destroyToken(a)
    expect(await strategy.readToken(a, lookup)).toBeNull()
    expect(await strategy.readToken(b, lookup)).toEqual(user)
    await strategy.revokeAllTokens(user.id)
    expect(await strategy.readToken(b, lookup)).toBeNull()
    await cache.close()
  })

  it('looks the user up on every read: a deleted user\'s cached token is refused', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 })
    const user = userRecord()
    const { users, lookup } = mutableLookup(user)
    const token = await strategy.writeToken(user)
    expect(await strategy.readToken(token, lookup)).toEqual(user)
    users.delete(user.id)
    expect(await strategy.readToken(token, lookup)).toBeNull()
  })

  it('never takes another text for a cached token: a tampered copy is verified, and refused', async () => {
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 })
    const user = userRecord()
    const { lookup } = mutableLookup(user)
    const token = await strategy.writeToken(user)
    expect(await strategy.readToken(token, lookup)).toEqual(user)
    const [header, , signature] = token.split('.')
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: randomUUID(), aud: ['fastapi-users:auth'], exp: 9_999_999_999 })).toString('base64url')}.${signature}`
    expect(await strategy.readToken(forged, lookup)).toBeNull()
    expect(await strategy.readToken(`${token}x`, lookup)).toBeNull()
  })

  it('verifies every read with verifiedTokenCache: 0', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] })
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 60, verifiedTokenCache: 0 })
    const user = userRecord()
    const { lookup } = mutableLookup(user)
    const token = await strategy.writeToken(user)
    expect(await strategy.readToken(token, lookup)).toEqual(user)
    vi.setSystemTime(new Date('2026-01-01T00:01:00Z'))
    expect(await strategy.readToken(token, lookup)).toBeNull()
  })
})

describe('VerifiedTokens', () => {
  const readings = (exp: number | null) => ({ userId: randomUUID(), tokenKey: `jti:${randomUUID()}`, generation: 0, exp })

  it('holds at most maxEntries, dropping the oldest first', () => {
    const verified = new VerifiedTokens(3)
    for (const token of ['a', 'b', 'c', 'd']) verified.set(token, readings(null))
    expect(verified.size).toBe(3)
    expect(verified.get('a')).toBeUndefined()
    expect(verified.get('d')).toBeDefined()
  })

  it('forgets an entry at its exp, with verifyJwt\'s clock', () => {
    vi.useFakeTimers({ now: 100_999, toFake: ['Date'] })
    const verified = new VerifiedTokens(10)
    verified.set('t', readings(101))
    expect(verified.get('t')).toBeDefined()
    vi.setSystemTime(101_000)
    expect(verified.get('t')).toBeUndefined()
    expect(verified.size).toBe(0)
  })

  it('drops nothing when a token it holds is set again while full', () => {
    const verified = new VerifiedTokens(2)
    const first = readings(null)
    verified.set('a', first)
    verified.set('b', readings(null))
    const again = readings(null)
    verified.set('a', again)
    expect(verified.size).toBe(2)
    expect(verified.get('a')).toBe(again)
    expect(verified.get('b')).toBeDefined()
  })

  it('forgets a token on delete, and only that one', () => {
    const verified = new VerifiedTokens(10)
    const kept = readings(null)
    verified.set('a', readings(null))
    verified.set('b', kept)
    verified.delete('a')
    expect(verified.get('a')).toBeUndefined()
    expect(verified.get('b')).toBe(kept)
    expect(verified.size).toBe(1)
  })

  it('keeps an entry without exp, and one whose exp is ahead', () => {
    vi.useFakeTimers({ now: 100_000, toFake: ['Date'] })
    const verified = new VerifiedTokens(10)
    const forever = readings(null)
    const later = readings(101)
    verified.set('forever', forever)
    verified.set('later', later)
    expect(verified.get('forever')).toBe(forever)
    expect(verified.get('later')).toBe(later)
    expect(verified.size).toBe(2)
  })

  it('keeps nothing with maxEntries 0', () => {
    const verified = new VerifiedTokens(0)
    verified.set('t', readings(null))
    expect(verified.get('t')).toBeUndefined()
  })
})
