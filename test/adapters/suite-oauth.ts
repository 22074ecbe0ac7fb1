/**
 * The OAuth half of the adapter suite: linking provider accounts to users, finding a user by
 * provider account, updating tokens, and losing the accounts with their user.
 */
import { expect, it } from 'vitest'
import type { OAuthAccountCreate } from '../../src/user.ts'
import { newUser, UUID, type StoreRef } from './suite.ts'

function account(oauthName: string, accountId: string, extra: Partial<OAuthAccountCreate> = {}): OAuthAccountCreate {
  return {
    oauth_name: oauthName,
    access_token: `access-${oauthName}-${accountId}`,
    expires_at: 1_900_000_000,
    refresh_token: `refresh-${oauthName}-${accountId}`,
    account_id: accountId,
    account_email: `${accountId}@${oauthName}.example`,
    ...extra,
  }
}

export function oauthAccountTests(store: StoreRef): void {
  it('links provider accounts to a user and lists them oldest first', async () => {
    const { users } = store()
    const user = await users.create(newUser('tristan@camelot.bt'))
    expect(await users.listOAuthAccounts(user)).toEqual([])
    const names = ['google', 'github', 'discord', 'gitlab', 'facebook']
    const added = []
    for (const name of names) added.push(await users.addOAuthAccount(user, account(name, `id-${name}`)))
    expect(added[0]).toEqual({ id: expect.stringMatching(UUID), ...account('google', 'id-google') })
    expect(await users.listOAuthAccounts(user)).toEqual(added)
    const other = await users.create(newUser('isolde@camelot.bt'))
    expect(await users.listOAuthAccounts(other)).toEqual([])
  })

  it('finds the user owning a provider account, by provider and account id', async () => {
    const { users } = store()
    const user = await users.create(newUser('Bedivere@camelot.bt', { nickname: 'Bed', newsletter: true }))
    await users.addOAuthAccount(user, account('google', '1234567890'))
    await users.addOAuthAccount(user, account('github', '42'))
    const other = await users.create(newUser('kay@camelot.bt'))
    await users.addOAuthAccount(other, account('google', '42'))

    expect(await users.getByOAuthAccount('google', '1234567890')).toEqual(await users.get(user.id))
    expect((await users.getByOAuthAccount('google', '1234567890'))?.newsletter).toBe(true)
    expect((await users.getByOAuthAccount('github', '42'))?.id).toBe(user.id)
    expect((await users.getByOAuthAccount('google', '42'))?.id).toBe(other.id)
    expect(await users.getByOAuthAccount('github', '1234567890')).toBeNull()
    expect(await users.getByOAuthAccount('gitlab', '42')).toBeNull()
  })

  it('keeps a missing expiry and refresh token as null', async () => {
    const { users } = store()
    const user = await users.create(newUser('dagonet@camelot.bt'))
    const linked = await users.addOAuthAccount(user, account('github', '7', { expires_at: null, refresh_token: null }))
    expect(linked).toMatchObject({ expires_at: null, refresh_token: null })
    expect(await users.listOAuthAccounts(user)).toEqual([linked])
  })

  it('updates an account, storing provider tokens longer than 1024 characters', async () => {
    const { users } = store()
    const user = await users.create(newUser('gareth@camelot.bt'))
    const linked = await users.addOAuthAccount(user, account('google', 'g-1'))
    const longToken = 'ya29.'.padEnd(4096, 'x')
    const updated = await users.updateOAuthAccount(linked, {
      access_token: longToken,
      expires_at: 2_000_000_000,
      refresh_token: null,
      account_email: 'Gareth@gmail.com',
    })
    expect(updated).toEqual({
      ...linked,
      access_token: longToken,
      expires_at: 2_000_000_000,
      refresh_token: null,
      account_email: 'Gareth@gmail.com',
    })
    expect(await users.listOAuthAccounts(user)).toEqual([updated])
    expect(await users.updateOAuthAccount(updated, {})).toEqual(updated)
  })

  it('removes one account of its user, and only of its user', async () => {
    const { users } = store()
    const user = await users.create(newUser('lamorak@camelot.bt'))
    const google = await users.addOAuthAccount(user, account('google', 'r-1'))
    const github = await users.addOAuthAccount(user, account('github', 'r-2'))
    const other = await users.create(newUser('pelleas@camelot.bt'))
    const theirs = await users.addOAuthAccount(other, account('google', 'r-3'))
    expect(await users.removeOAuthAccount(user, theirs)).toBe(false)
    expect(await users.listOAuthAccounts(other)).toEqual([theirs])
    expect(await users.removeOAuthAccount(user, google)).toBe(true)
    expect(await users.removeOAuthAccount(user, google)).toBe(false)
    expect(await users.listOAuthAccounts(user)).toEqual([github])
    expect(await users.getByOAuthAccount('google', 'r-1')).toBeNull()
    expect((await users.getByOAuthAccount('github', 'r-2'))?.id).toBe(user.id)
  })

  it('deletes the accounts of a deleted user', async () => {
    const { users } = store()
    const user = await users.create(newUser('agravain@camelot.bt'))
    await users.addOAuthAccount(user, account('google', 'a-1'))
    await users.addOAuthAccount(user, account('github', 'a-2'))
    const other = await users.create(newUser('gaheris@camelot.bt'))
    const kept = await users.addOAuthAccount(other, account('google', 'b-1'))
    await users.delete(user)
    expect(await users.getByOAuthAccount('google', 'a-1')).toBeNull()
    expect(await users.getByOAuthAccount('github', 'a-2')).toBeNull()
    expect(await users.listOAuthAccounts(user)).toEqual([])
    expect(await users.listOAuthAccounts(other)).toEqual([kept])
  })
}
