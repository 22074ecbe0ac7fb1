/**
 * The access-token half of the adapter suite (FastAPI Users' database strategy): lookup with
 * a maximum age, deletion one by one and per user, and cascade with the user.
 */
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { newUser, type StoreRef } from './suite.ts'

/** A token as the database strategy makes them: 43 base64url characters. */
function newToken(): string {
  return randomBytes(32).toString('base64url')
}

const HOUR = 3600

export function accessTokenTests(store: StoreRef): void {
  it('stores a token and finds it, with its user and creation time', async () => {
    const { users, accessTokens } = store()
    const user = await users.create(newUser('merlin@camelot.bt'))
    const record = { token: newToken(), user_id: user.id, created_at: new Date(Date.now() - 1234) }
    expect(await accessTokens.create(record)).toEqual(record)
    const found = await accessTokens.getByToken(record.token)
    expect(found).toEqual(record)
    expect(found?.created_at).toBeInstanceOf(Date)
    expect(await accessTokens.getByToken(newToken())).toBeNull()
  })

  it('tells tokens apart by letter case', async () => {
    const { users, accessTokens } = store()
    const user = await users.create(newUser('nimue@camelot.bt'))
    const token = 'aB'.repeat(21) + 'c'
    await accessTokens.create({ token, user_id: user.id, created_at: new Date() })
    expect(await accessTokens.getByToken(token)).not.toBeNull()
    expect(await accessTokens.getByToken(token.toLowerCase())).toBeNull()
    expect(await accessTokens.getByToken(token.toUpperCase())).toBeNull()
  })

  it('ignores a token older than the maximum age', async () => {
    const { users, accessTokens } = store()
    const user = await users.create(newUser('morgana@camelot.bt'))
    const old = { token: newToken(), user_id: user.id, created_at: new Date(Date.now() - 2 * HOUR * 1000) }
    const fresh = { token: newToken(), user_id: user.id, created_at: new Date() }
    await accessTokens.create(old)
    await accessTokens.create(fresh)
    expect(await accessTokens.getByToken(old.token, HOUR)).toBeNull()
    expect(await accessTokens.getByToken(old.token, 3 * HOUR)).toEqual(old)
    expect(await accessTokens.getByToken(old.token)).toEqual(old)
    expect(await accessTokens.getByToken(old.token, null)).toEqual(old)
    expect(await accessTokens.getByToken(fresh.token, HOUR)).toEqual(fresh)
    expect(await accessTokens.getByToken(fresh.token, 60)).toEqual(fresh)
  })

  it('deletes one token', async () => {
    const { users, accessTokens } = store()
    const user = await users.create(newUser('vivian@camelot.bt'))
    const a = { token: newToken(), user_id: user.id, created_at: new Date() }
    const b = { token: newToken(), user_id: user.id, created_at: new Date() }
    await accessTokens.create(a)
    await accessTokens.create(b)
    await accessTokens.delete(a.token)
    expect(await accessTokens.getByToken(a.token)).toBeNull()
    expect(await accessTokens.getByToken(b.token)).toEqual(b)
    await expect(accessTokens.delete(a.token)).resolves.toBeUndefined()
  })

  it('deletes every token of one user and says how many', async () => {
    const { users, accessTokens } = store()
    const user = await users.create(newUser('uther@camelot.bt'))
    const other = await users.create(newUser('igraine@camelot.bt'))
    for (let i = 0; i < 3; i++) await accessTokens.create({ token: newToken(), user_id: user.id, created_at: new Date() })
    const kept = { token: newToken(), user_id: other.id, created_at: new Date() }
    await accessTokens.create(kept)
    expect(await accessTokens.deleteAllForUser(user.id)).toBe(3)
    expect(await accessTokens.deleteAllForUser(user.id)).toBe(0)
    expect(await accessTokens.deleteAllForUser('not-a-uuid')).toBe(0)
    expect(await accessTokens.getByToken(kept.token)).toEqual(kept)
  })

  it('deletes the tokens of a deleted user', async () => {
    const { users, accessTokens } = store()
    const user = await users.create(newUser('pellinore@camelot.bt'))
    const token = { token: newToken(), user_id: user.id, created_at: new Date() }
    await accessTokens.create(token)
    await users.delete(user)
    expect(await accessTokens.getByToken(token.token)).toBeNull()
  })
}
