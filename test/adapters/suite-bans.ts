/**
 * The bans half of the adapter suite (issue 15, src/db/user-bans.ts): a ban stored per user,
 * outside the user record, read back as written, and removed.
 */
import { expect, it } from 'vitest'
import { hasUserBans, type UserBan, type UserBanStorage } from '../../src/db/user-bans.ts'
import { newUser, type StoreRef } from './suite.ts'

function banStorage(store: StoreRef): UserBanStorage {
  const { users } = store()
  if (!hasUserBans(users)) throw new Error('the adapter does not store bans')
  return users
}

export function banTests(store: StoreRef): void {
  it('stores a ban per user outside the user record, and removes it', async () => {
    const { users } = store()
    const mordred = await users.create(newUser('mordred@camelot.bt'))
    const arthur = await users.create(newUser('arthur@camelot.bt'))
    const bans = banStorage(store)
    expect(await bans.getBan(mordred)).toBeNull()
    const ban: UserBan = {
      reason: 'treason "and" more',
      banned_at: new Date('2026-01-02T03:04:05.678Z'),
      expires_at: new Date('2027-01-02T03:04:05.000Z'),
      banned_by: arthur.id,
      was_active: true,
    }
    expect(await bans.setBan(mordred, ban)).toBe(true)
    expect(await bans.getBan(mordred)).toEqual(ban)
    expect(await bans.getBan(arthur)).toBeNull()
    expect(await users.get(mordred.id)).toEqual(mordred)
    const forever = { ...ban, expires_at: null, banned_by: null, was_active: false }
    expect(await bans.setBan(mordred, forever)).toBe(true)
    expect(await bans.getBan(mordred)).toEqual(forever)
    expect(await bans.setBan(mordred, null)).toBe(true)
    expect(await bans.getBan(mordred)).toBeNull()
    await users.delete(arthur)
    expect(await bans.setBan(arthur, ban)).toBe(false)
  })
}
