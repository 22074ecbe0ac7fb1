/**
 * Every error of fastify-users, in one file.
 *
 * Errors answered on the wire extend `FastifyUsersError`: a stable `code`, the HTTP status and
 * the response's `detail`. Which status and detail each code has is decided here and nowhere
 * else: `ErrorCode` (FastAPI Users' wire codes, all 400) and `STATUS_ERRORS` (the refusals
 * FastAPI answers with a bare reason phrase, and ours: 429, 503). The HTTP layer renders them
 * all in one function (src/fastify/error-handler.ts).
 *
 * The other classes at the end are context-free signals thrown by pluggable parts (password
 * policy, database adapters, password hashing, token decoding); the user manager turns them
 * into the `UsersError` of the operation at hand, so that one adapter error can become
 * `REGISTER_USER_ALREADY_EXISTS` in a registration and `UPDATE_USER_EMAIL_ALREADY_EXISTS` in an
 * update.
 *
 * What goes wrong at start-up (a configuration, or a database the library cannot work with)
 * extends `ConfigurationError`; each such class lives beside the part it configures (jwt/,
 * db/, db/<adapter>/) and is exported by that part's entry point.
 */

export const ErrorCode = {
  REGISTER_INVALID_PASSWORD: 'REGISTER_INVALID_PASSWORD',
  REGISTER_USER_ALREADY_EXISTS: 'REGISTER_USER_ALREADY_EXISTS',
  OAUTH_NOT_AVAILABLE_EMAIL: 'OAUTH_NOT_AVAILABLE_EMAIL',
  OAUTH_USER_ALREADY_EXISTS: 'OAUTH_USER_ALREADY_EXISTS',
  OAUTH_INVALID_STATE: 'OAUTH_INVALID_STATE',
  LOGIN_BAD_CREDENTIALS: 'LOGIN_BAD_CREDENTIALS',
  LOGIN_USER_NOT_VERIFIED: 'LOGIN_USER_NOT_VERIFIED',
  RESET_PASSWORD_BAD_TOKEN: 'RESET_PASSWORD_BAD_TOKEN',
  RESET_PASSWORD_INVALID_PASSWORD: 'RESET_PASSWORD_INVALID_PASSWORD',
  VERIFY_USER_BAD_TOKEN: 'VERIFY_USER_BAD_TOKEN',
  VERIFY_USER_ALREADY_VERIFIED: 'VERIFY_USER_ALREADY_VERIFIED',
  UPDATE_USER_EMAIL_ALREADY_EXISTS: 'UPDATE_USER_EMAIL_ALREADY_EXISTS',
  UPDATE_USER_INVALID_PASSWORD: 'UPDATE_USER_INVALID_PASSWORD',
  ACCESS_TOKEN_ALREADY_EXPIRED: 'ACCESS_TOKEN_ALREADY_EXPIRED',
  ACCESS_TOKEN_DECODE_ERROR: 'ACCESS_TOKEN_DECODE_ERROR',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/**
 * The refusals that carry no wire code of FastAPI Users: FastAPI answers them with the reason
 * phrase of the status (CONTRACT §3), 429 and 503 are fastify-users' own.
 */
export const STATUS_ERRORS = {
  BAD_REQUEST: { statusCode: 400, detail: 'Bad Request' },
  UNAUTHORIZED: { statusCode: 401, detail: 'Unauthorized' },
  FORBIDDEN: { statusCode: 403, detail: 'Forbidden' },
  NOT_FOUND: { statusCode: 404, detail: 'Not Found' },
  TOO_MANY_REQUESTS: { statusCode: 429, detail: 'Too Many Requests' },
  SERVICE_UNAVAILABLE: { statusCode: 503, detail: 'SERVICE_UNAVAILABLE' },
} as const

export type StatusErrorCode = keyof typeof STATUS_ERRORS

export interface FastifyUsersErrorOptions {
  /** The stable code; by default `detail` when it is a string. */
  code?: string
  message?: string
  headers?: Record<string, string>
  cause?: unknown
}

/**
 * The base of every error that fastify-users answers on the wire. `code` is stable (switch on
 * it), `detail` is the response's `detail` field as is (a wire code such as
 * `LOGIN_BAD_CREDENTIALS`, a reason phrase such as `Unauthorized`, or `{code, reason}`),
 * `statusCode` its HTTP status, and `headers` any header the answer needs (`Retry-After`). The
 * HTTP layer renders every one of them in one place, so a refusal looks the same on a library
 * route and on an application route behind the guard.
 */
export class FastifyUsersError extends Error {
  override readonly name: string = 'FastifyUsersError'
  readonly code: string
  readonly statusCode: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(statusCode: number, detail: unknown, options: FastifyUsersErrorOptions = {}) {
    super(options.message ?? (typeof detail === 'string' ? detail : JSON.stringify(detail)), { cause: options.cause })
    this.code = options.code ?? (typeof detail === 'string' ? detail : 'ERROR')
    this.statusCode = statusCode
    this.detail = detail
    this.headers = options.headers ?? {}
  }
}

/** A refusal of `STATUS_ERRORS`: its status, and its reason phrase as `detail`. */
export class StatusError extends FastifyUsersError {
  override readonly name: string = 'StatusError'
  declare readonly code: StatusErrorCode

  constructor(code: StatusErrorCode, options: Omit<FastifyUsersErrorOptions, 'code'> = {}) {
    super(STATUS_ERRORS[code].statusCode, STATUS_ERRORS[code].detail, { ...options, code })
  }
}

/** 401: no token, a token nobody accepts, an inactive user, an unusable refresh token. */
export class UnauthorizedError extends StatusError {
  override readonly name = 'UnauthorizedError'

  constructor() {
    super('UNAUTHORIZED')
  }
}

/** 403: a user the route refuses (unverified, not a superuser), or a cross-site cookie request. */
export class ForbiddenError extends StatusError {
  override readonly name = 'ForbiddenError'

  constructor() {
    super('FORBIDDEN')
  }
}

/** 404: no user with that id (or an id that cannot be one). */
export class NotFoundError extends StatusError {
  override readonly name = 'NotFoundError'

  constructor() {
    super('NOT_FOUND')
  }
}

/** 429 with `Retry-After`: a rate limit or the login throttle refused the request. */
export class TooManyRequestsError extends StatusError {
  override readonly name = 'TooManyRequestsError'
  readonly retryAfterSeconds: number

  constructor(options: { retryAfterSeconds: number }) {
    const seconds = Math.max(1, Math.ceil(options.retryAfterSeconds))
    super('TOO_MANY_REQUESTS', { headers: { 'retry-after': String(seconds) } })
    this.retryAfterSeconds = seconds
  }
}

/** An error a client caused, answered as `400` with its wire `code` (and `reason`, if any). */
export class UsersError extends FastifyUsersError {
  override readonly name = 'UsersError'
  declare readonly code: ErrorCode
  readonly reason: unknown

  constructor(code: ErrorCode, reason?: unknown) {
    super(400, reason === undefined ? code : { code, reason }, { code, message: reason === undefined ? code : `${code}: ${String(reason)}` })
    this.reason = reason
  }
}

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

/**
 * A store the request needs (the database, Redis) is unreachable, failed, or did not answer in
 * time. Answered `503 {"detail": "SERVICE_UNAVAILABLE"}` with `Retry-After`; the driver's error
 * is kept as `cause` for the server log and never reaches the client.
 */
export class ServiceUnavailableError extends FastifyUsersError {
  override readonly name = 'ServiceUnavailableError'

  constructor(options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(STATUS_ERRORS.SERVICE_UNAVAILABLE.statusCode, STATUS_ERRORS.SERVICE_UNAVAILABLE.detail, {
      code: 'SERVICE_UNAVAILABLE',
      message: 'a store the request needs is unavailable',
      headers: { 'retry-after': String(options.retryAfterSeconds ?? 1) },
      cause: options.cause,
    })
  }
}

/**
 * Thrown by a password policy (`validatePassword`) to refuse a password. `reason` reaches the
 * client as is, so it must not contain anything secret.
 */
export class InvalidPasswordError extends Error {
  override readonly name = 'InvalidPasswordError'
  readonly reason: unknown

  constructor(reason: unknown) {
    super(typeof reason === 'string' ? reason : 'invalid password')
    this.reason = reason
  }
}

/** Thrown by a database adapter when an email is already taken, in any letter case. */
export class DuplicateEmailError extends Error {
  override readonly name = 'DuplicateEmailError'

  constructor() {
    super('a user with this email already exists')
  }
}

/** Thrown by a database adapter when a username is already taken, in any ASCII letter case (issue 16). */
export class DuplicateUsernameError extends Error {
  override readonly name = 'DuplicateUsernameError'

  constructor() {
    super('a user with this username already exists')
  }
}

/** Thrown when a stored password hash is in a format that no known hasher recognises. */
export class UnknownHashError extends Error {
  override readonly name = 'UnknownHashError'

  constructor() {
    super('the stored password hash has an unknown format')
  }
}

/** Thrown when a token cannot be used: bad signature, wrong audience, expired, malformed. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError'
  /** `expired` when the token was valid but its `exp` has passed. */
  readonly kind: 'invalid' | 'expired'

  constructor(kind: 'invalid' | 'expired' = 'invalid') {
    super(kind === 'expired' ? 'token expired' : 'invalid token')
    this.kind = kind
  }
}

/**
 * The base of the errors thrown while setting up (a key, a database URL, custom fields, a
 * database whose contents the library cannot serve), never in answer to a request. `code` is
 * stable, the same in every adapter for the same problem; the message says what to change.
 */
export class ConfigurationError extends Error {
  override readonly name: string = 'ConfigurationError'
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/**
 * 422 for a `GET /users` query parameter that passed the schema but means nothing: a cursor
 * this server did not hand out (or one of another sort), a date-time that is no instant. The
 * body has the shape of a validation error, as FastAPI answers a bad query parameter; `code`
 * is `LIST_USERS_INVALID_CURSOR` or `LIST_USERS_INVALID_DATETIME`.
 */
export class InvalidListQueryError extends FastifyUsersError {
  override readonly name = 'InvalidListQueryError'

  constructor(parameter: string) {
    const cursor = parameter === 'cursor'
    const detail = [{ type: cursor ? 'cursor_invalid' : 'datetime_parsing', loc: ['query', parameter], msg: cursor ? 'Invalid cursor' : 'Invalid datetime' }]
    super(422, detail, { code: cursor ? 'LIST_USERS_INVALID_CURSOR' : 'LIST_USERS_INVALID_DATETIME' })
  }
}

/**
 * 400 `LOGIN_USER_BANNED`: the password was right, and the user is banned. Answered only after
 * the password check, so a ban tells nothing to whoever does not know the password.
 */
export class UserBannedError extends FastifyUsersError {
  override readonly name = 'UserBannedError'

  constructor() {
    super(400, 'LOGIN_USER_BANNED')
  }
}

/** 422 `BAN_EXPIRY_NOT_IN_FUTURE`: a ban whose `expires_at` has already passed. */
export class InvalidBanExpiryError extends FastifyUsersError {
  override readonly name = 'InvalidBanExpiryError'

  constructor() {
    super(422, [{ type: 'value_error', loc: ['body', 'expires_at'], msg: 'expires_at must be in the future' }], {
      code: 'BAN_EXPIRY_NOT_IN_FUTURE',
    })
  }
}
