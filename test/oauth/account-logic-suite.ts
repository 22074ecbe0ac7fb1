/**
 * The OAuth account logic of the user manager (CONTRACT §9.6, §13.8 `oauth_callback`), run on a
 * real store of each adapter: `oauthAccountLogicSuite(name, open)` with the adapter suite's
 * `open` (test/adapters/suite.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ErrorCode, UsersError } from '../../src/errors.ts'
import { UserManager } from '../../src/manager.ts'
import {
  hasPassword,
  NO_PASSWORD_HASH,
  OAuthErrorCode,
  oauthAssociateCallback,
  oauthCallback,
  unlinkOAuthAccount,
  type OAuthCallbackOptions,
} from '../../src/oauth/index.ts'
import type { TokenRevoker } from '../../src/revocation/revoker.ts'
import type { UserRecord } from '../../src/user.ts'
import { FAST_HASHING, SECRET } from '../support/app.ts'
import type { OpenSuiteStore, SuiteStore } from '../adapters/suite.ts'

interface Call {
  hook: string
  args: unknown[]
}

export function oauthAccountLogicSuite(name: string, open: OpenSuiteStore): void {
  describe(`${name}: OAuth account logic`, () => {
    let store: SuiteStore
    let manager: UserManager<UserRecord, string>
    let calls: Call[]
    let revoked: string[]
    beforeEach(async () => {
      store = await open({})
      calls = []
      revoked = []
      const revoker: TokenRevoker = { revokeAllTokens: async (userId) => void revoked.push(userId) }
      const record = (hook: string) => (...args: unknown[]) => void calls.push({ hook, args })
      manager = new UserManager<UserRecord, string>({
        db: store.users,
        resetPasswordTokenSecret: SECRET,
        verificationTokenSecret: SECRET,
        passwordHelper: FAST_HASHING,
        onAfterRegister: record('onAfterRegister'),
        onAfterUpdate: record('onAfterUpdate'),
        tokenRevokers: [revoker],
      })
    })
    afterEach(() => store.destroy())

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
    const refusal = (promise: Promise<unknown>) =>
      promise.then(() => null, (error: unknown) => (error instanceof UsersError ? error.code : error instanceof Error && 'detail' in error ? error.detail : error))
    const createUser = (email: string, fields: Partial<UserRecord> = {}) =>
      store.users.create({ email, hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false, ...fields })

    it('creates an unverified user without a password, links the account, calls onAfterRegister', async () => {
      const user = await oauthCallback(manager, google())
      expect(user).toMatchObject({ email: 'Lancelot@camelot.bt', is_active: true, is_superuser: false, is_verified: false })
      expect(user.hashed_password).toBe(NO_PASSWORD_HASH)
      expect(hasPassword(user)).toBe(false)
      expect(await manager.passwordHelper.verifyAndUpdate('', user.hashed_password)).toMatchObject({ verified: false })
      expect(await store.users.listOAuthAccounts(user)).toEqual([{
        id: expect.any(String),
        oauth_name: 'google',
        access_token: 'access-1',
        expires_at: 1_900_000_000,
        refresh_token: 'refresh-1',
        account_id: 'g-42',
        account_email: 'Lancelot@Camelot.BT',
      }])
      expect(calls).toEqual([{ hook: 'onAfterRegister', args: [user, 'the-request'] }])
    })

    it('creates a verified user with isVerifiedByDefault', async () => {
      expect((await oauthCallback(manager, google({ isVerifiedByDefault: true }))).is_verified).toBe(true)
    })

    it('logs a linked account in: tokens and email refreshed, other accounts untouched, no hook', async () => {
      const user = await oauthCallback(manager, google())
      const github = await store.users.addOAuthAccount(user, {
        oauth_name: 'github', access_token: 'gh', expires_at: null, refresh_token: null, account_id: '7', account_email: 'l@x.io',
      })
      calls.length = 0
      const longToken = 'ya29.'.padEnd(3000, 'x')
      const again = await oauthCallback(manager, google({ accessToken: longToken, expiresAt: 2_000_000_000, refreshToken: null, accountEmail: 'new@x.io', emailVerified: false }))
      expect(again.id).toBe(user.id)
      const accounts = await store.users.listOAuthAccounts(user)
      expect(accounts).toContainEqual(github)
      expect(accounts.find((account) => account.oauth_name === 'google')).toMatchObject({
        access_token: longToken, expires_at: 2_000_000_000, refresh_token: 'refresh-1', account_email: 'new@x.io',
      })
      expect(accounts.length).toBe(2)
      expect(calls).toEqual([])
    })

    it('refuses an existing email (any case) unless associateByEmail links the account', async () => {
      const existing = await createUser('lancelot@camelot.bt', { is_verified: true })
      expect(await refusal(oauthCallback(manager, google()))).toBe(ErrorCode.OAUTH_USER_ALREADY_EXISTS)
      expect(await store.users.listOAuthAccounts(existing)).toEqual([])
      const linked = await oauthCallback(manager, google({ associateByEmail: true }))
      expect(linked.id).toBe(existing.id)
      expect((await store.users.listOAuthAccounts(existing)).map((account) => account.account_id)).toEqual(['g-42'])
      expect(calls).toEqual([])
    })

    it('refuses to link into a user whose email is not verified (pre-hijacking), whatever the user holds', async () => {
      const squatter = await createUser('lancelot@camelot.bt')
      const linkedBySquatter = await store.users.addOAuthAccount(squatter, {
        oauth_name: 'github', access_token: 'gh', expires_at: null, refresh_token: null, account_id: 'evil', account_email: 'evil@x.io',
      })
      expect(await refusal(oauthCallback(manager, google({ associateByEmail: true })))).toBe(OAuthErrorCode.OAUTH_USER_NOT_VERIFIED)
      expect(await store.users.listOAuthAccounts(squatter)).toEqual([linkedBySquatter])
      expect(await store.users.get(squatter.id)).toMatchObject({ hashed_password: 'x', is_verified: false })
      expect(revoked).toEqual([])
      expect(calls).toEqual([])
    })

    it('takes an unverified user over cleanly with takeOverUnverifiedUser: verified, no password, no links, no sessions', async () => {
      const squatter = await createUser('lancelot@camelot.bt')
      await store.users.addOAuthAccount(squatter, {
        oauth_name: 'github', access_token: 'gh', expires_at: null, refresh_token: null, account_id: 'evil', account_email: 'evil@x.io',
      })
      const user = await oauthCallback(manager, google({ associateByEmail: true, takeOverUnverifiedUser: true }))
      expect(user.id).toBe(squatter.id)
      const stored = (await store.users.get(squatter.id))!
      expect(stored).toMatchObject({ is_verified: true, hashed_password: NO_PASSWORD_HASH })
      expect((await store.users.listOAuthAccounts(stored)).map((account) => `${account.oauth_name}:${account.account_id}`)).toEqual(['google:g-42'])
      expect(await store.users.getByOAuthAccount('github', 'evil')).toBeNull()
      expect(revoked).toEqual([squatter.id])
      expect(calls).toEqual([{ hook: 'onAfterUpdate', args: [expect.objectContaining({ id: squatter.id }), { is_verified: true, password: true }, 'the-request'] }])
    })

    it('unlinks an account unless it is the last way in of a user without a password', async () => {
      const user = await oauthCallback(manager, google())
      await store.users.addOAuthAccount(user, {
        oauth_name: 'github', access_token: 'gh', expires_at: null, refresh_token: null, account_id: '7', account_email: 'l@x.io',
      })
      calls.length = 0
      expect(await unlinkOAuthAccount(manager, user, { oauthName: 'github', accountId: 'nope' })).toBe(false)
      expect(await unlinkOAuthAccount(manager, user, { oauthName: 'github', accountId: '7', request: 'req' })).toBe(true)
      expect(calls).toEqual([{ hook: 'onAfterUpdate', args: [user, {}, 'req'] }])
      expect(await refusal(unlinkOAuthAccount(manager, user, { oauthName: 'google', accountId: 'g-42' }))).toBe(OAuthErrorCode.OAUTH_ACCOUNT_LAST_LOGIN_METHOD)
      expect((await store.users.listOAuthAccounts(user)).map((account) => account.oauth_name)).toEqual(['google'])

      const withPassword = await store.users.update(user, { hashed_password: await manager.passwordHelper.hash('a real password') })
      expect(await unlinkOAuthAccount(manager, withPassword, { oauthName: 'google', accountId: 'g-42' })).toBe(true)
      expect(await store.users.listOAuthAccounts(user)).toEqual([])
    })

    it('never creates or links by an email the provider did not verify, nor by an invalid address', async () => {
      expect(await refusal(oauthCallback(manager, google({ emailVerified: false })))).toBe(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL)
      expect(await store.users.getByEmail('lancelot@camelot.bt')).toBeNull()
      const existing = await createUser('lancelot@camelot.bt')
      const unverified = google({ emailVerified: false, associateByEmail: true })
      expect(await refusal(oauthCallback(manager, unverified))).toBe(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL)
      expect(await store.users.listOAuthAccounts(existing)).toEqual([])
      const invalid = google({ accountId: 'g-43', accountEmail: 'not an address' })
      expect(await refusal(oauthCallback(manager, invalid))).toBe(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL)
    })

    it('associates: links the account to the user and calls onAfterUpdate(user, {}, request)', async () => {
      const user = await createUser('percival@camelot.bt')
      const result = await oauthAssociateCallback(manager, user, { ...google(), request: 'req' })
      expect(result).toEqual(user)
      expect((await store.users.listOAuthAccounts(user)).map((account) => account.account_email)).toEqual(['Lancelot@Camelot.BT'])
      expect(calls).toEqual([{ hook: 'onAfterUpdate', args: [user, {}, 'req'] }])
      await oauthAssociateCallback(manager, user, google({ accessToken: 'access-2' }))
      const accounts = await store.users.listOAuthAccounts(user)
      expect(accounts.map((account) => account.access_token)).toEqual(['access-2'])
    })

    it('refuses to associate an account that another user holds', async () => {
      const holder = await oauthCallback(manager, google())
      const other = await createUser('galahad@camelot.bt')
      expect(await refusal(oauthAssociateCallback(manager, other, google()))).toBe(ErrorCode.OAUTH_USER_ALREADY_EXISTS)
      expect(await store.users.listOAuthAccounts(other)).toEqual([])
      expect((await store.users.getByOAuthAccount('google', 'g-42'))?.id).toBe(holder.id)
    })

    it('loses the accounts with their user', async () => {
      const user = await oauthCallback(manager, google())
      await manager.delete(user)
      expect(await store.users.getByOAuthAccount('google', 'g-42')).toBeNull()
      const again = await oauthCallback(manager, google())
      expect(again.id).not.toBe(user.id)
    })
  })
}
