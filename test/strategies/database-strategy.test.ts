/**
 * DatabaseStrategy (src/authentication/strategies/database.ts) on its own, over a SQLite token
 * table: which rows it writes, reads and deletes, what it never asks the table, the lifetime
 * counted from the row's creation, and "log out everywhere but this token", which puts the kept
 * row back exactly as it was. The HTTP behaviour on every database is test/strategies/database.test.ts.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DatabaseStrategy } from '../../src/authentication/strategies/database.ts'
import { sqliteUserDatabase, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import type { AccessTokenDatabase, AccessTokenRecord } from '../../src/db/types.ts'
import { newOpaqueToken, sha256Base64url } from '../../src/opaque-token.ts'
import type { UserLookup } from '../../src/authentication/strategy.ts'
import type { UserRecord } from '../../src/user.ts'

let store: KyselyUserStore
/** The SQLite table, with every call the strategy makes written down. */
let table: AccessTokenDatabase
let calls: string[]

beforeAll(async () => {
  store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-dbstrategy-')), 'users.db') })
  const real = store.accessTokens
  table = {
    getByToken: (token, maxAge) => (calls.push(`getByToken ${token} ${maxAge}`), real.getByToken(token, maxAge)),
    create: (record) => (calls.push(`create ${record.token}`), real.create(record)),
    delete: (token) => (calls.push(`delete ${token}`), real.delete(token)),
    deleteAllForUser: (userId) => (calls.push(`deleteAllForUser ${userId}`), real.deleteAllForUser(userId)),
  }
})
beforeEach(() => {
  calls = []
})
afterAll(async () => {
  await store.destroy()
})

/** A user of the table's database (its rows refer to it). */
function userRecord(): Promise<UserRecord> {
  return store.users.create({ email: `${randomUUID()}@example.com`, hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false })
}

function lookupOf(...users: UserRecord[]): UserLookup {
  const byId = new Map(users.map((user) => [user.id, user]))
  return { get: async (id) => byId.get(id) ?? null }
}

/** A row written straight into the table, `ageSeconds` old. */
async function rowOf(user: UserRecord, ageSeconds: number, storage: 'sha256' | 'plain' = 'sha256'): Promise<{ token: string; row: AccessTokenRecord }> {
  const token = newOpaqueToken()
  const created_at = new Date(Math.floor(Date.now() / 1000) * 1000 - ageSeconds * 1000)
  const row = { token: storage === 'plain' ? token : sha256Base64url(token), user_id: user.id, created_at }
  await store.accessTokens.create(row)
  return { token, row }
}

describe('DatabaseStrategy', () => {
  it('stores the SHA-256 of each new token by default, and reads it back as its user', async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600 })
    expect(strategy.tokenStorage).toBe('sha256')
    const user = await userRecord()
    const before = Date.now()
    const token = await strategy.writeToken(user)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const row = await store.accessTokens.getByToken(sha256Base64url(token))
    expect(row!.user_id).toBe(user.id)
    expect(row!.created_at.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000)
    expect(row!.created_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000)
    expect(await store.accessTokens.getByToken(token)).toBeNull()
    expect(await strategy.readToken(token, lookupOf(user))).toEqual(user)
    expect(await strategy.readToken(token, lookupOf())).toBeNull()
  })

  it("with 'plain', stores and reads the token itself, and gives no token key", async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600, tokenStorage: 'plain' })
    const user = await userRecord()
    const token = await strategy.writeToken(user)
    expect((await store.accessTokens.getByToken(token))!.user_id).toBe(user.id)
    expect(await strategy.readToken(token, lookupOf(user))).toEqual(user)
    expect(strategy.tokenKey(token)).toBeNull()
    const { token: written } = await rowOf(user, 0, 'plain')
    expect(await strategy.readToken(written, lookupOf(user))).toEqual(user)
  })

  it('refuses a tokenStorage it does not know', () => {
    expect(() => new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600, tokenStorage: 'md5' as 'plain' })).toThrow(TypeError)
  })

  it('asks the table for the lifetime, counted from the row creation', async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 60 })
    const user = await userRecord()
    const fresh = await rowOf(user, 30)
    const old = await rowOf(user, 120)
    expect(await strategy.readToken(fresh.token, lookupOf(user))).toEqual(user)
    expect(await strategy.readToken(old.token, lookupOf(user))).toBeNull()
    expect(calls).toContain(`getByToken ${fresh.row.token} 60`)
    const forever = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: null })
    expect(await forever.readToken(old.token, lookupOf(user))).toEqual(user)
  })

  it('never asks the table about a token that is not 43 base64url characters', async () => {
    for (const storage of ['sha256', 'plain'] as const) {
      const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600, tokenStorage: storage })
      for (const token of ['', 'short', `${newOpaqueToken()}x`, `${newOpaqueToken().slice(1)}=`]) {
        expect(await strategy.readToken(token, lookupOf(await userRecord()))).toBeNull()
        await strategy.destroyToken(token)
        await strategy.revokeAllTokens(randomUUID(), { except: token })
        expect(strategy.tokenKey(token)).toBeNull()
      }
    }
    expect(calls.filter((call) => !call.startsWith('deleteAllForUser'))).toEqual([])
  })

  it('deletes the row of a token at logout, and only that one', async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600 })
    const user = await userRecord()
    const first = await strategy.writeToken(user)
    const second = await strategy.writeToken(user)
    await strategy.destroyToken(first)
    expect(await strategy.readToken(first, lookupOf(user))).toBeNull()
    expect(await strategy.readToken(second, lookupOf(user))).toEqual(user)
  })

  it("ends a token by its key, the row's SHA-256", async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600 })
    const user = await userRecord()
    const token = await strategy.writeToken(user)
    const other = await strategy.writeToken(user)
    const key = strategy.tokenKey(token)
    expect(key).toBe(sha256Base64url(token))
    await strategy.revokeTokenKey(key!)
    expect(await strategy.readToken(token, lookupOf(user))).toBeNull()
    expect(await strategy.readToken(other, lookupOf(user))).toEqual(user)
  })

  it("ends every token of the user, and only that user's", async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600 })
    const user = await userRecord()
    const someoneElse = await userRecord()
    const tokens = [await strategy.writeToken(user), await strategy.writeToken(user)]
    const theirs = await strategy.writeToken(someoneElse)
    await strategy.revokeAllTokens(user.id)
    for (const token of tokens) expect(await strategy.readToken(token, lookupOf(user))).toBeNull()
    expect(await strategy.readToken(theirs, lookupOf(someoneElse))).toEqual(someoneElse)
  })

  it('keeps the one token asked for, with its creation time, so that its lifetime is not extended', async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600 })
    const user = await userRecord()
    const kept = await rowOf(user, 600)
    const ended = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id, { except: kept.token })
    expect(await strategy.readToken(ended, lookupOf(user))).toBeNull()
    expect(await strategy.readToken(kept.token, lookupOf(user))).toEqual(user)
    expect(await store.accessTokens.getByToken(kept.row.token)).toEqual(kept.row)
  })

  it("keeps no token of another user, and leaves that user's token as it was", async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600 })
    const user = await userRecord()
    const someoneElse = await userRecord()
    const mine = await strategy.writeToken(user)
    const theirs = await rowOf(someoneElse, 10)
    await strategy.revokeAllTokens(user.id, { except: theirs.token })
    expect(await strategy.readToken(mine, lookupOf(user))).toBeNull()
    expect(await store.accessTokens.getByToken(theirs.row.token)).toEqual(theirs.row)
    expect(calls.filter((call) => call.startsWith('create'))).toEqual([`create ${sha256Base64url(mine)}`])
  })

  it('does not bring back an expired token asked to be kept', async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 60 })
    const user = await userRecord()
    const expired = await rowOf(user, 120)
    await strategy.revokeAllTokens(user.id, { except: expired.token })
    expect(await store.accessTokens.getByToken(expired.row.token)).toBeNull()
  })

  it("keeps a 'plain' token by the token itself", async () => {
    const strategy = new DatabaseStrategy({ accessTokenDb: table, lifetimeSeconds: 3600, tokenStorage: 'plain' })
    const user = await userRecord()
    const kept = await rowOf(user, 5, 'plain')
    const ended = await strategy.writeToken(user)
    await strategy.revokeAllTokens(user.id, { except: kept.token })
    expect(await strategy.readToken(kept.token, lookupOf(user))).toEqual(user)
    expect(await strategy.readToken(ended, lookupOf(user))).toBeNull()
  })
})
