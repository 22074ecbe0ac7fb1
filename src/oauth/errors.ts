/**
 * The OAuth refusals, beside what raises them (flow.ts, callback.ts, unlink.ts,
 * provider-failure.ts and the providers). Each extends `FastifyUsersError`, so the HTTP layer
 * renders them as it renders every other refusal.
 */
import { FastifyUsersError } from '../errors/fastify-users-error.ts'

/**
 * An OAuth callback the client got wrong in a way FastAPI Users answers with a free-form detail
 * rather than an `ErrorCode`: the provider's own `error` (`{"detail": "access_denied"}`), a
 * missing code or a state of another user (`{"detail": "Bad Request"}`), a code the provider
 * refused (`{"detail": "invalid_grant"}`, where upstream answers 500). Always a 400; its `code`
 * is `OAUTH_CALLBACK_REFUSED` whatever the detail.
 *
 * @example
 * if (query.get('code') === null) throw new OAuthCallbackError('Bad Request')
 */
export class OAuthCallbackError extends FastifyUsersError {
  override readonly name = 'OAuthCallbackError'
  declare readonly detail: string

  constructor(detail: string, options: { cause?: unknown } = {}) {
    super(400, detail, { code: 'OAUTH_CALLBACK_REFUSED', message: `OAuth callback refused: ${detail}`, cause: options.cause })
  }
}

/**
 * The OAuth flow's own refusals (beside `OAuthCallbackError`). A provider's failure is never a
 * 500: a client must be able to tell a refusal (400, its own doing or the provider's word) from
 * an outage (502, try later). The reasons (a claim that did not match, the provider's status)
 * go to the server log through `cause` and `message`, never into the response.
 *
 * | class | status | `detail` |
 * |---|---|---|
 * | `OAuthProviderRefusedError` | 400 | `OAUTH_PROVIDER_REFUSED`: the token endpoint refused for another reason than the code |
 * | `OAuthInvalidResponseError` | 400 | `OAUTH_INVALID_PROVIDER_RESPONSE`: tokens, ID token or profile that do not hold |
 * | `OAuthProviderUnavailableError` | 502 | `OAUTH_PROVIDER_UNAVAILABLE`: unreachable, timed out, or 5xx |
 * | `OAuthUserNotVerifiedError` | 400 | `OAUTH_USER_NOT_VERIFIED`: the email's account is not verified (pre-hijacking) |
 * | `OAuthLastLoginMethodError` | 400 | `OAUTH_ACCOUNT_LAST_LOGIN_METHOD`: unlinking would lock the user out |
 */
export const OAuthErrorCode = {
  OAUTH_PROVIDER_REFUSED: 'OAUTH_PROVIDER_REFUSED',
  OAUTH_INVALID_PROVIDER_RESPONSE: 'OAUTH_INVALID_PROVIDER_RESPONSE',
  OAUTH_PROVIDER_UNAVAILABLE: 'OAUTH_PROVIDER_UNAVAILABLE',
  OAUTH_USER_NOT_VERIFIED: 'OAUTH_USER_NOT_VERIFIED',
  OAUTH_ACCOUNT_LAST_LOGIN_METHOD: 'OAUTH_ACCOUNT_LAST_LOGIN_METHOD',
} as const

export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode]

/**
 * The token endpoint answered an OAuth error other than `invalid_grant` (`invalid_client`,
 * `unauthorized_client`…): usually this server's registration at the provider.
 *
 * @example
 * throw new OAuthProviderRefusedError('invalid_client', { cause })
 */
export class OAuthProviderRefusedError extends FastifyUsersError {
  override readonly name = 'OAuthProviderRefusedError'

  constructor(providerCode: string, options: { cause?: unknown } = {}) {
    super(400, OAuthErrorCode.OAUTH_PROVIDER_REFUSED, { message: `the OAuth provider refused: ${providerCode}`, cause: options.cause })
  }
}

/**
 * The provider answered, but not what the protocol promises: no access token, an `iss` that is
 * missing or another issuer's, an ID token that does not validate (signature, audience,
 * `nonce`, missing where required), a user-info `sub` other than the ID token's, a profile
 * without an account id.
 *
 * @example
 * if (claims.nonce !== nonce) throw new OAuthInvalidResponseError('the ID token has another nonce')
 */
export class OAuthInvalidResponseError extends FastifyUsersError {
  override readonly name = 'OAuthInvalidResponseError'

  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(400, OAuthErrorCode.OAUTH_INVALID_PROVIDER_RESPONSE, { message: `invalid OAuth provider response: ${reason}`, cause: options.cause })
  }
}

/**
 * The provider could not be reached, did not answer in time, or answered 5xx: `502`, as a
 * gateway whose upstream failed (a deliberate difference: upstream answers 500).
 *
 * @example
 * if (response.status >= 500) throw new OAuthProviderUnavailableError(`user info: HTTP ${response.status}`)
 */
export class OAuthProviderUnavailableError extends FastifyUsersError {
  override readonly name = 'OAuthProviderUnavailableError'

  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(502, OAuthErrorCode.OAUTH_PROVIDER_UNAVAILABLE, { message: `OAuth provider unavailable: ${reason}`, cause: options.cause })
  }
}

/**
 * A sign-in would link a provider account, by its email, to a user whose own email is not
 * verified: whoever registered that user may not own the address (account pre-hijacking). The
 * way forward is to log in with the account's password, then link the provider from there.
 *
 * @example
 * if (!existing.is_verified) throw new OAuthUserNotVerifiedError()
 */
export class OAuthUserNotVerifiedError extends FastifyUsersError {
  override readonly name = 'OAuthUserNotVerifiedError'

  constructor() {
    super(400, OAuthErrorCode.OAUTH_USER_NOT_VERIFIED)
  }
}

/**
 * Unlinking this provider account would leave the user without a password and without any
 * other linked account: no way to log in.
 *
 * @example
 * if (!hasPassword(user) && accounts.length === 1) throw new OAuthLastLoginMethodError()
 */
export class OAuthLastLoginMethodError extends FastifyUsersError {
  override readonly name = 'OAuthLastLoginMethodError'

  constructor() {
    super(400, OAuthErrorCode.OAUTH_ACCOUNT_LAST_LOGIN_METHOD)
  }
}
