/**
 * Unlinking a provider account from its user, who asked for it. The one rule: nobody is locked
 * out. A user without a password of its own (`hasPassword`) keeps at least one provider
 * account; unlinking the last is `OAUTH_ACCOUNT_LAST_LOGIN_METHOD`. Two unlinks at once could
 * each see the other account still there; so the rule is checked again after the delete, and
 * an unlink that turned out to take the last way in is undone and refused.
 */
import type { UserManager } from '../manager.ts'
import type { OAuthAccount, UserRecord } from '../user.ts'
import { OAuthLastLoginMethodError } from '../errors.ts'
import { hasPassword } from './no-password.ts'

/**
 * Unlinks the user's account `accountId` at `oauthName`; `false` when the user has no such
 * account. Calls `onAfterUpdate(user, {}, request)`, as linking does.
 *
 * @example
 * if (!(await unlinkOAuthAccount(manager, request.user, { oauthName: 'github', accountId: '42', request }))) throw new NotFoundError()
 */
export async function unlinkOAuthAccount<U extends UserRecord, R, Res>(
  manager: UserManager<U, R, Res>,
  user: U,
  options: { oauthName: string; accountId: string; request?: R },
): Promise<boolean> {
  const { db } = manager
  const accounts = await db.listOAuthAccounts(user)
  const target = accounts.find((account) => account.oauth_name === options.oauthName && account.account_id === options.accountId)
  if (target === undefined) return false
  const passwordless = !hasPassword(user)
  if (passwordless && accounts.length === 1) throw new OAuthLastLoginMethodError()
  if (!(await db.removeOAuthAccount(user, target))) return false
  if (passwordless && (await db.listOAuthAccounts(user)).length === 0) {
    await db.addOAuthAccount(user, withoutId(target))
    throw new OAuthLastLoginMethodError()
  }
  await manager.hooks.onAfterUpdate?.(user, {}, options.request)
  return true
}

function withoutId(account: OAuthAccount): Omit<OAuthAccount, 'id'> {
  const { id: _id, ...rest } = account
  return rest
}
