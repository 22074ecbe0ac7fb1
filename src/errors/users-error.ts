import { FastifyUsersError } from './fastify-users-error.ts'

/**
 * FastAPI Users' wire codes (its `ErrorCode` enum, CONTRACT §3): the `detail` of an error a
 * client caused, always answered `400` (with `{code, reason}` for a refused password). The
 * manager raises them as `UsersError`, turning the context-free signals of signals.ts into the
 * code of the operation at hand.
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
