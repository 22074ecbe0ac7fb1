/**
 * The roles half of the adapter suite (issue 15, src/db/user-roles.ts): roles stored per user,
 * each once and sorted, outside the user record.
 */
import { expect, it } from 'vitest'
import { hasUserRoles, type UserRoleStorage } from '../../src/db/user-roles.ts'
import { newUser, type StoreRef } from './suite.ts'

function roleStorage(store: StoreRef): UserRoleStorage {
  const { users } = store()
  if (!hasUserRoles(users)) throw new Error('the adapter does not store roles')
  return users
}

export function roleTests(store: StoreRef): void {
  it('stores roles per user, each once and sorted, outside the user record', async () => {
    const { users } = store()
    const arthur = await users.create(newUser('arthur@camelot.bt'))
    const lancelot = await users.create(newUser('lancelot@camelot.bt'))
    const roles = roleStorage(store)
    expect(await roles.getRoles(arthur)).toEqual([])
    expect(await roles.setRoles(arthur, ['king', 'admin', 'king'])).toEqual(['admin', 'king'])
    expect(await roles.getRoles(arthur)).toEqual(['admin', 'king'])
    expect(await roles.getRoles(lancelot)).toEqual([])
    expect(await roles.setRoles(arthur, ['admin', 'king'])).toEqual(['admin', 'king'])
    expect(await users.get(arthur.id)).toEqual(arthur)
    const renamed = await users.update(arthur, { email: 'ARTHUR@camelot.bt' })
    expect(await roles.getRoles(renamed)).toEqual(['admin', 'king'])
    expect(await roles.setRoles(arthur, [])).toEqual([])
    expect(await roles.getRoles(arthur)).toEqual([])
  })

  it('has no roles for a user that does not exist, and stores none for it', async () => {
    const { users } = store()
    const ghost = await users.create(newUser('ghost@camelot.bt'))
    await users.delete(ghost)
    const roles = roleStorage(store)
    expect(await roles.setRoles(ghost, ['admin'])).toBeNull()
    expect(await roles.getRoles(ghost)).toEqual([])
    expect(await roles.setRoles({ ...ghost, id: 'not-a-uuid' }, ['admin'])).toBeNull()
  })
}
