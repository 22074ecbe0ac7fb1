/**
 * RefreshTokens on its own (src/refresh/refresh-tokens.ts), over the memory store
 * (src/refresh/memory-store.ts): the rows it writes, the checks of a presented token (unknown,
 * malformed, expired, used, within the grace period), rotation and its derived successor,
 * repeats and reuses, the session's end through the strategy, logouts, the periodic sweep, and
 * store failures as 503s. The clock is set, not waited for.
 */
import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ServiceUnavailableError } from '../../src/errors.ts'
import { newOpaqueToken, sha256Base64url } from '../../src/opaque-token.ts'
import { MemoryRefreshTokenStore } from '../../src/refresh/memory-store.ts'
import { RefreshTokens } from '../../src/refresh/refresh-tokens.ts'
import type { FamilyMember, RefreshTokenRecord } from '../../src/refresh/store.ts'

const T0 = 1_800_000_000
const SECRET = 'refresh-successor-secret-32-chars!!'
const DAY = 86_400

/** The memory store, counting the calls that matter and failing on demand. */
class ObservedStore extends MemoryRefreshTokenStore {
  finds: string[] = []
  sweeps: number[] = []
  failing = false

  override async create(record: RefreshTokenRecord): Promise<boolean> {
    if (this.failing) throw new Error('store down')
    return super.create(record)
  }
  override async find(tokenHash: string): Promise<RefreshTokenRecord | null> {
    if (this.failing) throw new Error('store down')
    this.finds.push(tokenHash)
    return super.find(tokenHash)
  }
  override async deleteFamily(familyId: string): Promise<FamilyMember[]> {
    if (this.failing) throw new Error('store down')
    return super.deleteFamily(familyId)
  }
  override async deleteFamiliesOfAccessToken(hash: string): Promise<void> {
    if (this.failing) throw new Error('store down')
    return super.deleteFamiliesOfAccessToken(hash)
  }
  override async deleteAllForUser(userId: string, keep?: string): Promise<void> {
    if (this.failing) throw new Error('store down')
    return super.deleteAllForUser(userId, keep)
  }
  override async deleteExpired(now: number): Promise<void> {
    this.sweeps.push(now)
    return super.deleteExpired(now)
  }
}

/** A strategy's naming of its access tokens, recording what a session's end asks of it. */
class NamingStrategy {
  revokedKeys: Array<[string, string]> = []
  revokedUsers: string[] = []
  tokenKey(token: string): string | null {
    return token.startsWith('unnamed') ? null : `key:${token}`
  }
  async revokeTokenKey(key: string, userId: string): Promise<void> {
    this.revokedKeys.push([key, userId])
  }
  async revokeAllTokens(userId: string): Promise<void> {
    this.revokedUsers.push(userId)
  }
}

const at = (seconds: number) => vi.setSystemTime(seconds * 1000)
const hashOf = sha256Base64url

let store: ObservedStore
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  at(T0)
  store = new ObservedStore()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('RefreshTokens options', () => {
  it('refuses a lifetime that is not a positive whole number of seconds', () => {
    for (const lifetimeSeconds of [0, -1, 1.5, Number.NaN, 2 ** 53, '60' as unknown as number]) {
      expect(() => new RefreshTokens({ store, lifetimeSeconds })).toThrow(
        new TypeError('refresh lifetimeSeconds must be a positive whole number of seconds'),
      )
    }
    expect(new RefreshTokens({ store, lifetimeSeconds: 1 }).lifetimeSeconds).toBe(1)
  })

  it('refuses a grace that is not a whole number of seconds, 0 or more; 5 by default', () => {
    for (const reuseGraceSeconds of [-1, 0.5, Number.NaN, 2 ** 53]) {
      expect(() => new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds })).toThrow(
        new TypeError('reuseGraceSeconds must be a whole number of seconds, 0 or more'),
      )
    }
    expect(new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 0 }).reuseGraceSeconds).toBe(0)
    expect(new RefreshTokens({ store, lifetimeSeconds: DAY }).reuseGraceSeconds).toBe(5)
  })

  it('refuses a successor secret under 32 characters', () => {
    expect(() => new RefreshTokens({ store, lifetimeSeconds: DAY, successorSecret: 'x'.repeat(31) })).toThrow(
      new TypeError('successorSecret must be at least 32 characters'),
    )
    expect(() => new RefreshTokens({ store, lifetimeSeconds: DAY, successorSecret: 'x'.repeat(32) })).not.toThrow()
  })

  it('keeps the cookie options, none by default', () => {
    expect(new RefreshTokens({ store, lifetimeSeconds: DAY }).cookie).toEqual({})
    expect(new RefreshTokens({ store, lifetimeSeconds: DAY, cookie: { name: 'r' } }).cookie).toEqual({ name: 'r' })
  })
})

describe('issuing and checking', () => {
  it('stores only the hashes of a new token and of its access token, with the strategy’s key for it', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY }, new NamingStrategy())
    const { token, familyId } = await refresh.issueFamily('u1', 'access-1')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(familyId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(familyId).not.toBe(token)
    expect(await store.find(hashOf(token))).toEqual({
      tokenHash: hashOf(token),
      familyId,
      userId: 'u1',
      accessTokenHash: hashOf('access-1'),
      accessTokenKey: 'key:access-1',
      createdAt: T0,
      expiresAt: T0 + DAY,
      usedAt: null,
    })
    const other = await refresh.issue('u1', 'access-2')
    expect((await store.find(hashOf(other)))!.familyId).not.toBe(familyId)
  })

  it('keeps no access-token key without a strategy, or when the strategy cannot name the token', async () => {
    const token = await new RefreshTokens({ store, lifetimeSeconds: DAY }).issue('u1', 'access')
    expect((await store.find(hashOf(token)))!.accessTokenKey).toBeNull()
    const unnamed = await new RefreshTokens({ store, lifetimeSeconds: DAY }, {}).issue('u1', 'access')
    expect((await store.find(hashOf(unnamed)))!.accessTokenKey).toBeNull()
  })

  it('calls a token valid until its expiry, then invalid', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: 60 })
    const token = await refresh.issue('u1', 'access')
    at(T0 + 59)
    const check = await refresh.check(token)
    expect(check).toEqual({ status: 'valid', record: await store.find(hashOf(token)) })
    at(T0 + 60)
    expect(await refresh.check(token)).toEqual({ status: 'invalid' })
  })

  it('calls an unknown token invalid, and never asks the store about a malformed one', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY })
    expect(await refresh.check(newOpaqueToken())).toEqual({ status: 'invalid' })
    expect(store.finds).toHaveLength(1)
    for (const malformed of ['', 'short', `${newOpaqueToken()}x`, hashOf('x').replace(/.$/, '+')]) {
      expect(await refresh.check(malformed)).toEqual({ status: 'invalid' })
    }
    expect(store.finds).toHaveLength(1)
  })
})

describe('rotation', () => {
  async function valid(refresh: RefreshTokens, token: string): Promise<RefreshTokenRecord> {
    const check = await refresh.check(token)
    if (check.status !== 'valid') throw new Error(`expected a valid token, got ${check.status}`)
    return check.record
  }

  it('uses the token up and stores its successor in the family, derived from the successor secret', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 0, successorSecret: SECRET }, new NamingStrategy())
    const { token, familyId } = await refresh.issueFamily('u1', 'access-1')
    const record = await valid(refresh, token)
    at(T0 + 10)
    const next = await refresh.rotate(record, 'access-2')
    const key = createHmac('sha256', SECRET).update('fastify-users refresh-token successor').digest()
    expect(next).toBe(createHmac('sha256', key).update(hashOf(token)).digest('base64url'))
    expect((await store.find(hashOf(token)))!.usedAt).toBe(T0 + 10)
    expect(await store.find(hashOf(next!))).toEqual({
      tokenHash: hashOf(next!),
      familyId,
      userId: 'u1',
      accessTokenHash: hashOf('access-2'),
      accessTokenKey: 'key:access-2',
      createdAt: T0 + 10,
      expiresAt: T0 + 10 + DAY,
      usedAt: null,
    })
    expect((await valid(refresh, next!)).familyId).toBe(familyId)
  })

  it('derives a different successor under another secret, and a random one without a secret', async () => {
    const issued = new RefreshTokens({ store, lifetimeSeconds: DAY })
    const record = await valid(issued, await issued.issue('u1', 'a'))
    const successors = []
    for (const successorSecret of [SECRET, `${SECRET}?`, undefined, undefined]) {
      const own = new MemoryRefreshTokenStore()
      await own.create(record)
      successors.push(await new RefreshTokens({ store: own, lifetimeSeconds: DAY, successorSecret }).rotate(record, 'b'))
    }
    expect(successors.every((successor) => typeof successor === 'string')).toBe(true)
    expect(new Set(successors).size).toBe(4)
  })

  it('answers a repeat within the grace period with the same successor, whose family also ends the repeat’s access token', async () => {
    const strategy = new NamingStrategy()
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 5 }, strategy)
    const token = await refresh.issue('u1', 'access-1')
    const record = await valid(refresh, token)
    const first = await refresh.rotate(record, 'access-2')
    at(T0 + 5)
    const again = await refresh.rotate(await valid(refresh, token), 'access-3')
    expect(again).toBe(first)
    expect(strategy.revokedKeys).toEqual([])
    // The repeat's access token joined the family: a reuse after the grace ends it too.
    at(T0 + 6)
    expect(await refresh.check(token)).toEqual({ status: 'reused', familyId: record.familyId, userId: 'u1' })
    expect(strategy.revokedKeys.map(([key]) => key).sort()).toEqual(['key:access-1', 'key:access-2', 'key:access-3'])
    expect(strategy.revokedKeys.every(([, userId]) => userId === 'u1')).toBe(true)
    expect(await refresh.check(first!)).toEqual({ status: 'invalid' })
  })

  it('ends the session when a token is presented again after the grace period', async () => {
    const strategy = new NamingStrategy()
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 5 }, strategy)
    const token = await refresh.issue('u1', 'access-1')
    const record = await valid(refresh, token)
    const next = await refresh.rotate(record, 'access-2')
    at(T0 + 6)
    expect(await refresh.rotate(record, 'access-3')).toBeNull()
    expect(await refresh.check(next!)).toEqual({ status: 'invalid' })
    expect(strategy.revokedKeys.map(([key]) => key).sort()).toEqual(['key:access-1', 'key:access-2', 'key:access-3'])
  })

  it('with no grace, calls every second use a reuse, even in the same second', async () => {
    const strategy = new NamingStrategy()
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 0 }, strategy)
    const token = await refresh.issue('u1', 'access-1')
    const record = await valid(refresh, token)
    const next = await refresh.rotate(record, 'access-2')
    expect(await refresh.rotate(record, 'access-3')).toBeNull()
    expect(await refresh.check(next!)).toEqual({ status: 'invalid' })
    const other = await refresh.issue('u1', 'access-4')
    const otherRecord = await valid(refresh, other)
    await refresh.rotate(otherRecord, 'access-5')
    expect(await refresh.check(other)).toEqual({ status: 'reused', familyId: otherRecord.familyId, userId: 'u1' })
  })

  it('ends the session when a repeat finds the successor already used', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 60 })
    const token = await refresh.issue('u1', 'access-1')
    const record = await valid(refresh, token)
    const next = await refresh.rotate(record, 'access-2')
    await refresh.rotate(await valid(refresh, next!), 'access-3')
    expect(await refresh.rotate(record, 'access-4')).toBeNull()
    expect(await store.find(hashOf(token))).toBeNull()
  })

  it('ends the session when the stored successor belongs to another family', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 60, successorSecret: SECRET })
    const token = await refresh.issue('u1', 'access-1')
    const record = await valid(refresh, token)
    const next = await refresh.rotate(record, 'access-2')
    // The same token hash under another family id: its successor is the same string.
    expect(await refresh.rotate({ ...record, familyId: 'another' }, 'access-3')).toBeNull()
    expect(await store.find(hashOf(next!))).not.toBeNull()
  })

  it('ends the session when a repeat finds its token gone', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 60 })
    const token = await refresh.issue('u1', 'access-1')
    const record = await valid(refresh, token)
    await refresh.revokeAllTokens('u1')
    expect(await refresh.rotate(record, 'access-2')).toBeNull()
    expect(await store.deleteFamily(record.familyId)).toEqual([])
  })
})

describe('ending sessions', () => {
  it('ends a family through the strategy: named tokens by key, the users of unnamed ones whole, once each', async () => {
    const strategy = new NamingStrategy()
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY, reuseGraceSeconds: 0 }, strategy)
    const { familyId } = await refresh.issueFamily('u1', 'access-1')
    const base = { familyId, accessTokenHash: hashOf('x'), createdAt: T0, expiresAt: T0 + DAY, usedAt: null }
    await store.create({ ...base, tokenHash: hashOf('r2'), userId: 'u1', accessTokenKey: null })
    await store.create({ ...base, tokenHash: hashOf('r3'), userId: 'u1', accessTokenKey: null })
    await store.create({ ...base, tokenHash: hashOf('r4'), userId: 'u2', accessTokenKey: null })
    const untouched = await refresh.issue('u1', 'access-9')
    await refresh.endFamily(familyId)
    expect(strategy.revokedKeys).toEqual([['key:access-1', 'u1']])
    expect(strategy.revokedUsers).toEqual(['u1', 'u2'])
    expect(await store.deleteFamily(familyId)).toEqual([])
    expect(await store.find(hashOf(untouched))).not.toBeNull()
  })

  it('ends every access token of the user when the strategy cannot end one by its key', async () => {
    const revokedUsers: string[] = []
    const strategy = { tokenKey: (token: string) => `key:${token}`, revokeAllTokens: async (userId: string) => void revokedUsers.push(userId) }
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY }, strategy)
    const { familyId } = await refresh.issueFamily('u1', 'access-1')
    await refresh.endFamily(familyId)
    expect(revokedUsers).toEqual(['u1'])
  })

  it('deletes the family alone without a strategy, or with one that cannot revoke', async () => {
    for (const strategy of [null, { tokenKey: () => null }]) {
      const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY }, strategy)
      const { token, familyId } = await refresh.issueFamily('u1', 'unnamed')
      // A row another instance wrote with a key: without a strategy to end it by, it is only deleted.
      await store.create({ ...(await store.find(hashOf(token)))!, tokenHash: hashOf(`${token}-named`), accessTokenKey: 'key:x' })
      await expect(refresh.endFamily(familyId)).resolves.toBeUndefined()
      expect(await store.find(hashOf(token))).toBeNull()
    }
  })

  it('ends the families of a logged-out access token, rotated tokens included, and no other', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY })
    const token = await refresh.issue('u1', 'access-1')
    const check = await refresh.check(token)
    const next = await refresh.rotate((check as { record: RefreshTokenRecord }).record, 'access-2')
    const other = await refresh.issue('u1', 'access-3')
    await refresh.revokeByAccessToken('access-1')
    expect(await store.find(hashOf(token))).toBeNull()
    expect(await store.find(hashOf(next!))).toBeNull()
    expect(await store.find(hashOf(other))).not.toBeNull()
  })

  it('ends every family of the user except the one of the access token kept', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY })
    const kept = await refresh.issue('u1', 'access-1')
    const ended = await refresh.issue('u1', 'access-2')
    const foreign = await refresh.issue('u2', 'access-3')
    await refresh.revokeAllTokens('u1', { except: 'access-1' })
    expect(await store.find(hashOf(kept))).not.toBeNull()
    expect(await store.find(hashOf(ended))).toBeNull()
    expect(await store.find(hashOf(foreign))).not.toBeNull()
    await refresh.revokeAllTokens('u1')
    expect(await store.find(hashOf(kept))).toBeNull()
    expect(await store.find(hashOf(foreign))).not.toBeNull()
  })
})

describe('sweeping and failures', () => {
  it('sweeps expired rows every 100th issue or rotation, at the current time', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: 60 })
    const expired = await refresh.issue('u1', 'a')
    at(T0 + 60)
    for (let i = 1; i < 99; i++) await refresh.issue('u1', 'a')
    expect(store.sweeps).toEqual([])
    const last = await refresh.issue('u1', 'a')
    const record = (await store.find(hashOf(last)))!
    expect(store.sweeps).toEqual([T0 + 60])
    expect(await store.find(hashOf(expired))).toBeNull()
    for (let i = 0; i < 99; i++) await refresh.issue('u1', 'a')
    expect(store.sweeps).toHaveLength(1)
    await refresh.rotate(record, 'b')
    expect(store.sweeps).toEqual([T0 + 60, T0 + 60])
  })

  it('turns every store failure into a 503, letting the library’s own errors through', async () => {
    const refresh = new RefreshTokens({ store, lifetimeSeconds: DAY })
    const token = await refresh.issue('u1', 'a')
    const record = (await store.find(hashOf(token)))!
    store.failing = true
    for (const work of [
      () => refresh.issue('u1', 'a'),
      () => refresh.check(token),
      () => refresh.rotate(record, 'b'),
      () => refresh.endFamily(record.familyId),
      () => refresh.revokeByAccessToken('a'),
      () => refresh.revokeAllTokens('u1'),
    ]) {
      const error = await work().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ServiceUnavailableError)
      expect((error as Error).cause).toEqual(new Error('store down'))
    }
  })
})
