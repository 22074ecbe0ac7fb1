/**
 * A refused OAuth login callback, as the audit log records it (`login.failed`, docs/audit-log.md):
 * a reason read from the refusal, the provider and backend, the wire code answered, and the user
 * when one is known: the inactive user the provider account is linked to, or the owner of the
 * email that the callback would not link. Never the code, the state or a provider token.
 */
import type { FastifyRequest } from 'fastify'
import type { AuditLog } from '../../audit/audit-log.ts'
import type { LoginFailureReason } from '../../audit/events.ts'
import { normalizeEmail } from '../../email.ts'
import {
  ErrorCode, OAuthCallbackError, OAuthInvalidResponseError, OAuthProviderRefusedError, OAuthProviderUnavailableError,
  OAuthUserNotVerifiedError, type FastifyUsersError,
} from '../../errors.ts'
import type { OAuthAccountInput } from '../../oauth/callback.ts'

/** What the callback's route knows of a refusal besides the error. */
export interface OAuthRefusalFacts {
  user_id: string | null
  provider: string
  backend: string
}

/** Why the callback was refused, from the error it answers. */
export function oauthRefusalReason(error: FastifyUsersError): LoginFailureReason {
  if (error instanceof OAuthProviderRefusedError || error instanceof OAuthInvalidResponseError || error instanceof OAuthProviderUnavailableError) {
    return 'oauth_provider_error'
  }
  // The provider's own `error` parameter, else a callback with neither an error nor a code.
  if (error instanceof OAuthCallbackError) return error.detail === 'Bad Request' ? 'oauth_bad_state' : 'oauth_provider_error'
  if (error instanceof OAuthUserNotVerifiedError) return 'oauth_user_not_verified'
  switch (error.detail) {
    case ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL: return 'oauth_no_email'
    case ErrorCode.OAUTH_USER_ALREADY_EXISTS: return 'oauth_account_exists'
    case ErrorCode.LOGIN_BAD_CREDENTIALS: return 'inactive'
    default: return 'oauth_bad_state'
  }
}

/**
 * Records the refusal. The wire code goes in `detail` only when it is a string: the refusals'
 * codes and a provider's `error` parameter (printable, at most 100 characters).
 *
 * @example
 * auditOAuthLoginRefusal(manager.audit, error, { user_id: null, provider: 'google', backend: 'cookie' }, request)
 */
export function auditOAuthLoginRefusal(audit: AuditLog<FastifyRequest>, error: FastifyUsersError, facts: OAuthRefusalFacts, request: FastifyRequest): void {
  const detail = typeof error.detail === 'string' ? { detail: error.detail } : {}
  const data = { reason: oauthRefusalReason(error), method: 'oauth', backend: facts.backend, provider: facts.provider, ...detail } as const
  audit.emit({ type: 'login.failed', user_id: facts.user_id, data }, request)
}

/**
 * The user whose email a refused link concerns (an account exists without the association, or
 * is not verified), or `null`. The lookup is best effort: the refusal stands even when it fails.
 */
export async function ownerOfRefusedEmail(
  users: { getByEmail(email: string): Promise<{ id: string } | null> },
  error: FastifyUsersError,
  account: OAuthAccountInput,
): Promise<string | null> {
  if (error.detail !== ErrorCode.OAUTH_USER_ALREADY_EXISTS && !(error instanceof OAuthUserNotVerifiedError)) return null
  const email = normalizeEmail(account.accountEmail)
  if (email === null) return null
  try {
    return (await users.getByEmail(email))?.id ?? null
  } catch {
    return null
  }
}
