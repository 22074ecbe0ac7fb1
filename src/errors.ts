/**
 * Errors of the users system.
 *
 * `ErrorCode` holds the wire values of FastAPI Users' `ErrorCode` enum (value == name). A
 * `UsersError` always carries one of them: the HTTP layer answers `400 {"detail": code}`, or
 * `400 {"detail": {"code", "reason"}}` when the error has a reason (password policy). The other
 * classes are context-free signals thrown by pluggable parts (password policy, database
 * adapters, password hashing); the user manager turns them into the `UsersError` of the
 * operation at hand, so that one adapter error can become `REGISTER_USER_ALREADY_EXISTS` in a
 * registration and `UPDATE_USER_EMAIL_ALREADY_EXISTS` in an update.
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
 * The base of every error that fastify-users answers on the wire. `detail` is the response's
 * `detail` field as is (a wire code such as `LOGIN_BAD_CREDENTIALS`, a reason phrase such as
 * `Unauthorized`, or `{code, reason}`), `statusCode` its HTTP status, and `headers` any header
 * the answer needs (`Retry-After`). The HTTP layer renders every one of them in one place, so a
 * refusal looks the same on a library route and on an application route behind the guard.
 */
export class FastifyUsersError extends Error {
  override readonly name: string = 'FastifyUsersError'
  readonly statusCode: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(statusCode: number, detail: unknown, options: { message?: string; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(options.message ?? (typeof detail === 'string' ? detail : JSON.stringify(detail)), { cause: options.cause })
    this.statusCode = statusCode
    this.detail = detail
    this.headers = options.headers ?? {}
  }
}

/** An error a client caused, answered as `400` with its wire `code` (and `reason`, if any). */
export class UsersError extends FastifyUsersError {
  override readonly name = 'UsersError'
  readonly code: ErrorCode
  readonly reason: unknown

  constructor(code: ErrorCode, reason?: unknown) {
    super(400, reason === undefined ? code : { code, reason }, { message: reason === undefined ? code : `${code}: ${String(reason)}` })
    this.code = code
    this.reason = reason
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
    super(503, 'SERVICE_UNAVAILABLE', {
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
