/**
 * The edges of the OAuth account logic (src/oauth/callback.ts) that the adapter suite
 * (account-logic-suite.ts) leaves out, on SQLite: a registration that wins the race between
 * the email lookup and the insert, a new refresh token replacing the stored one, a stored
 * account that vanished before its refresh, store errors passing through, and a manager
 * without hooks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode, UsersError } from '../../src/errors.ts'
import { UserManager } from '../../src/manager.ts'
import { NO_PASSWORD_HASH, oauthAssociateCallback, oauthCallback, type OAuthCallbackOptions } from '../../src/oauth/index.ts'
import type { UserDatabase } from '../../src/db/types.ts'
import type { UserRecord } from '../../src/user.ts'
import { FAST_HASHING, SECRET } from '../support/app.ts'
import { freshStore, sqliteTestDatabase } from '../adapters/databases.ts'
import type { SuiteStore } from '../adapters/suite.ts'

const open = freshStore(sqliteTestDatabase)

/** The store's user database, with some of its methods replaced (a real store underneath). */
function withOverrides(users: UserDatabase, overrides: Partial<UserDatabase>): UserDatabase {
  return new Proxy(users, {
    get(target, property) {
      const own = (overrides as Record<PropertyKey, unknown>)[property]
      if (own !== undefined) return own
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

const google = (overrides: Partial<OAuthCallbackOptions<string>> = {}): OAuthCallbackOptions<string> => ({
  oauthName: 'google',
  accessToken: 'access-1',
  expiresAt: 1_900_000_000,
  refreshToken: 'refresh-1',
  accountId: 'g-42',
  accountEmail: 'Lancelot@Camelot.BT',
  emailVerified: true,
  request: 'the-request',
  ...overrides,
})

const managerOf = (users: UserDatabase) =>
  new UserManager<UserRecord, string>({ db: users, resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING })

describe('oauthCallback edges', () => {
  let store: SuiteStore
  beforeEach(async () => {
    store = await open({})
  })
  afterEach(() => store.destroy())

  it('refuses with OAUTH_USER_ALREADY_EXISTS when the address is registered between its lookup and the insert', async () => {
    const racing = withOverrides(store.users, {
      getByEmail: async (email: string) => {
        await store.users.create({ email, hashed_password: 'x', is_active: true, is_superuser: false, is_verified: true })
        return null
      },
    })
    const error = await oauthCallback(managerOf(racing), google()).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UsersError)
    expect((error as UsersError).code).toBe(ErrorCode.OAUTH_USER_ALREADY_EXISTS)
    expect(await store.users.getByOAuthAccount('google', 'g-42')).toBeNull()
  })

  it('lets any other error of the insert through as it is', async () => {
    const failure = new Error('disk full')
    const failing = withOverrides(store.users, { create: async () => Promise.reject(failure) })
    await expect(oauthCallback(managerOf(failing), google())).rejects.toBe(failure)
  })

  it('creates and links without hooks configured', async () => {
    const manager = managerOf(store.users)
    const user = await oauthCallback(manager, google())
    expect(user).toMatchObject({ email: 'Lancelot@camelot.bt', hashed_password: NO_PASSWORD_HASH, is_verified: false })
    const squatter = await store.users.create({ email: 'galahad@camelot.bt', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false })
    const taken = await oauthCallback(manager, google({ accountId: 'g-7', accountEmail: 'galahad@camelot.bt', associateByEmail: true, takeOverUnverifiedUser: true }))
    expect(taken).toMatchObject({ id: squatter.id, is_verified: true, hashed_password: NO_PASSWORD_HASH })
    const other = await store.users.create({ email: 'percival@camelot.bt', hashed_password: 'x', is_active: true, is_superuser: false, is_verified: true })
    expect(await oauthAssociateCallback(manager, other, google({ accountId: 'g-8' }))).toBe(other)
  })

  it('replaces the stored refresh token with a new one, at login and at association', async () => {
    const manager = managerOf(store.users)
    const user = await oauthCallback(manager, google())
    await oauthCallback(manager, google({ accessToken: 'access-2', refreshToken: 'refresh-2' }))
    expect(await store.users.listOAuthAccounts(user)).toMatchObject([{ access_token: 'access-2', refresh_token: 'refresh-2' }])
    await oauthAssociateCallback(manager, user, google({ accessToken: 'access-3', refreshToken: null }))
    expect(await store.users.listOAuthAccounts(user)).toMatchObject([{ access_token: 'access-3', refresh_token: 'refresh-2' }])
    await oauthAssociateCallback(manager, user, google({ accessToken: 'access-4', refreshToken: 'refresh-4' }))
    expect(await store.users.listOAuthAccounts(user)).toMatchObject([{ access_token: 'access-4', refresh_token: 'refresh-4' }])
  })

  it('refreshes only the account the provider named, not another of the same user', async () => {
    const manager = managerOf(store.users)
    const user = await oauthCallback(manager, google())
    const work = await oauthAssociateCallback(manager, user, google({ accountId: 'g-43', accessToken: 'work-1', refreshToken: 'work-r' }))
    await oauthCallback(manager, google({ accountId: 'g-43', accessToken: 'work-2', refreshToken: null }))
    const accounts = await store.users.listOAuthAccounts(work)
    expect(accounts.map((a) => [a.account_id, a.access_token, a.refresh_token]).sort()).toEqual([
      ['g-42', 'access-1', 'refresh-1'],
      ['g-43', 'work-2', 'work-r'],
    ])
    const githubSameId = await oauthAssociateCallback(manager, user, google({ oauthName: 'github', accountId: 'g-42', accessToken: 'gh-1' }))
    await oauthCallback(manager, google({ oauthName: 'github', accountId: 'g-42', accessToken: 'gh-2' }))
    expect((await store.users.listOAuthAccounts(githubSameId)).map((a) => `${a.oauth_name}:${a.account_id}:${a.access_token}`).sort()).toEqual([
      'github:g-42:gh-2',
      'google:g-42:access-1',
      'google:g-43:work-2',
    ])
  })

  it('logs a linked user in even when its account row vanished before the refresh', async () => {
    const manager = managerOf(store.users)
    const user = await oauthCallback(manager, google())
    let updates = 0
    const vanishing = withOverrides(store.users, {
      listOAuthAccounts: async () => [],
      updateOAuthAccount: async () => {
        updates++
        throw new Error('no such account')
      },
    })
    const again = await oauthCallback(managerOf(vanishing), google({ accessToken: 'access-2' }))
    expect(again.id).toBe(user.id)
    expect(updates).toBe(0)
  })
})
