/**
 * The OAuth account logic of FastAPI Users' user manager (CONTRACT §9.6), as functions of a
 * `UserManager`.
 *
 * `oauthCallback` (login):
 * - a provider account already linked (same `oauth_name` and `account_id`) → its tokens and
 *   email are refreshed (a missing refresh token keeps the stored one), and its user is
 *   returned; no email is looked at;
 * - otherwise the provider must vouch for the email (`emailVerified`), or nothing happens:
 *   `OAUTH_NOT_AVAILABLE_EMAIL`. Without this rule, anyone who opens a provider account with
 *   someone else's unverified address could take over (or pre-create) that person's account
 *   here. Refusing, rather than creating an unverified user, also keeps the address free for
 *   its owner: an unverified account would block their registration while its OAuth link
 *   stayed in the attacker's hands even after a password reset;
 * - a user with that email → `OAUTH_USER_ALREADY_EXISTS`, unless `associateByEmail` (off by
 *   default) links them. Only a verified user is linked: a user whose email is not verified may
 *   have been registered by someone else with the victim's address, waiting for the victim to
 *   sign in with a provider and hand over a merged account whose password, sessions and links
 *   the pre-hijacker still holds (OWASP "account pre-hijacking"). Such a sign-in is refused
 *   with `OAUTH_USER_NOT_VERIFIED`: the owner of the account logs in with its password and
 *   links the provider from there (associate router). With `takeOverUnverifiedUser`, the
 *   provider's verified word on the address wins instead: the user is marked verified, loses
 *   its password (`NO_PASSWORD_HASH`), its other provider links, and every session and token
 *   (`revokeAllTokens`), then the provider account is linked and `onAfterUpdate(user,
 *   { is_verified, password }, request)` runs;
 * - no such user → a new one: the email normalized, no password (`NO_PASSWORD_HASH`: usable
 *   after a reset), `is_verified = isVerifiedByDefault`, the account linked, `onAfterRegister`.
 *
 * `oauthAssociateCallback` links a provider account to the authenticated user, who asked for
 * it, so the provider's email need not be verified; then `onAfterUpdate(user, {}, request)`.
 * A provider account already linked to this user has its tokens refreshed instead of being
 * linked twice, and one linked to another user is refused with `OAUTH_USER_ALREADY_EXISTS`
 * (upstream links it twice, after which a login finds either user).
 */
import { normalizeEmail } from '../email.ts'
import { DuplicateEmailError, ErrorCode, UsersError } from '../errors.ts'
import type { UpdatedFields } from '../hooks.ts'
import { OAuthUserNotVerifiedError } from '../errors.ts'
import { NO_PASSWORD_HASH } from './no-password.ts'
import type { UserManager } from '../manager.ts'
import type { UserDatabase } from '../db/types.ts'
import type { OAuthAccountCreate, UserRecord, UserUpdateData } from '../user.ts'

/** The provider account, as stored (CONTRACT §2.2). */
export interface OAuthAccountInput {
  /** The client's name, e.g. `google`. */
  oauthName: string
  accessToken: string
  /** Epoch seconds, or `null`. */
  expiresAt: number | null
  refreshToken: string | null
  accountId: string
  accountEmail: string
}

export interface OAuthCallbackOptions<R> extends OAuthAccountInput {
  /** Whether the provider says it verified `accountEmail`. */
  emailVerified: boolean
  /** Link the account to an existing user with the same (verified) email. Default false. */
  associateByEmail?: boolean
  /** `is_verified` of a user created here. Default false. */
  isVerifiedByDefault?: boolean
  /** With `associateByEmail`: take over a user whose email is not verified, instead of refusing. Default false. */
  takeOverUnverifiedUser?: boolean
  request?: R
}

/**
 * The user an OAuth login belongs to, created or linked as the rules above say.
 *
 * @example
 * const user = await oauthCallback(manager, {
 *   oauthName: 'google', accessToken, expiresAt, refreshToken: null,
 *   accountId: profile.accountId, accountEmail: profile.email, emailVerified: profile.emailVerified,
 * })
 */
export async function oauthCallback<U extends UserRecord, R, Res>(
  manager: UserManager<U, R, Res>,
  options: OAuthCallbackOptions<R>,
): Promise<U> {
  const { db } = manager
  const account = toAccount(options)
  const linked = await db.getByOAuthAccount(account.oauth_name, account.account_id)
  if (linked) {
    await refreshAccount(db, linked, account)
    return linked
  }
  const email = options.emailVerified ? normalizeEmail(options.accountEmail) : null
  if (email === null) throw new UsersError(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL)

  const existing = await db.getByEmail(email)
  if (existing) {
    if (!options.associateByEmail) throw new UsersError(ErrorCode.OAUTH_USER_ALREADY_EXISTS)
    if (existing.is_verified) {
      await db.addOAuthAccount(existing, account)
      return existing
    }
    if (!options.takeOverUnverifiedUser) throw new OAuthUserNotVerifiedError()
    return takeOver(manager, existing, account, options.request)
  }
  let user: U
  try {
    user = await db.create({
      email,
      hashed_password: NO_PASSWORD_HASH,
      is_active: true,
      is_superuser: false,
      is_verified: options.isVerifiedByDefault ?? false,
    })
  } catch (error) {
    // Someone registered this address between the lookup and the insert.
    if (error instanceof DuplicateEmailError) throw new UsersError(ErrorCode.OAUTH_USER_ALREADY_EXISTS)
    throw error
  }
  await db.addOAuthAccount(user, account)
  await manager.hooks.onAfterRegister?.(user, options.request)
  return user
}

/**
 * Links a provider account to `user` and calls `onAfterUpdate(user, {}, request)`.
 *
 * @example
 * const user = await oauthAssociateCallback(manager, request.user, { oauthName: 'github', ...account, request })
 */
export async function oauthAssociateCallback<U extends UserRecord, R, Res>(
  manager: UserManager<U, R, Res>,
  user: U,
  options: OAuthAccountInput & { request?: R },
): Promise<U> {
  const account = toAccount(options)
  const owner = await manager.db.getByOAuthAccount(account.oauth_name, account.account_id)
  if (owner && owner.id !== user.id) throw new UsersError(ErrorCode.OAUTH_USER_ALREADY_EXISTS)
  if (owner) await refreshAccount(manager.db, user, account)
  else await manager.db.addOAuthAccount(user, account)
  await manager.hooks.onAfterUpdate?.(user, {}, options.request)
  return user
}

/**
 * Hands an unverified user over to the owner of its address, as the provider vouches for it:
 * nothing the previous holder set up (password, provider links, sessions) survives.
 */
async function takeOver<U extends UserRecord, R, Res>(
  manager: UserManager<U, R, Res>,
  user: U,
  account: OAuthAccountCreate,
  request: R | undefined,
): Promise<U> {
  const { db } = manager
  const updated = await db.update(user, { is_verified: true, hashed_password: NO_PASSWORD_HASH } as UserUpdateData)
  for (const linked of await db.listOAuthAccounts(updated)) await db.removeOAuthAccount(updated, linked)
  await manager.revokeAllTokens(updated)
  await db.addOAuthAccount(updated, account)
  await manager.hooks.onAfterUpdate?.(updated, { is_verified: true, password: true } as unknown as UpdatedFields<U>, request)
  return updated
}

function toAccount(input: OAuthAccountInput): OAuthAccountCreate {
  return {
    oauth_name: input.oauthName,
    access_token: input.accessToken,
    expires_at: input.expiresAt,
    refresh_token: input.refreshToken,
    account_id: input.accountId,
    account_email: input.accountEmail,
  }
}

/**
 * Writes a login's tokens and email into the stored account. A response without a refresh
 * token keeps the stored one: providers such as Google issue it at the first consent only.
 */
async function refreshAccount<U extends UserRecord>(db: UserDatabase<U>, user: U, account: OAuthAccountCreate): Promise<void> {
  const accounts = await db.listOAuthAccounts(user)
  const stored = accounts.find((a) => a.oauth_name === account.oauth_name && a.account_id === account.account_id)
  if (!stored) return
  const { refresh_token: refreshToken, ...rest } = account
  await db.updateOAuthAccount(stored, refreshToken === null ? rest : account)
}
