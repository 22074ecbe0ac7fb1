/**
 * The refusals of API key management, all 400 with their code as `detail`, as FastAPI Users'
 * own refusals are. A key that does not authenticate is no error of these: it is the same 401
 * as any bad token.
 */
import { FastifyUsersError } from '../errors.ts'

export const ApiKeyErrorCode = {
  /** A permission asked for that the user does not hold now. */
  API_KEY_PERMISSION_NOT_HELD: 'API_KEY_PERMISSION_NOT_HELD',
  /** The expiry is not in the future, beyond the longest lifetime allowed, or given twice or not at all. */
  API_KEY_INVALID_EXPIRY: 'API_KEY_INVALID_EXPIRY',
  /** The user already has as many keys as allowed. */
  API_KEY_LIMIT_REACHED: 'API_KEY_LIMIT_REACHED',
} as const

export type ApiKeyErrorCode = (typeof ApiKeyErrorCode)[keyof typeof ApiKeyErrorCode]

export class ApiKeyError extends FastifyUsersError {
  override readonly name = 'ApiKeyError'
  declare readonly code: ApiKeyErrorCode

  constructor(code: ApiKeyErrorCode) {
    super(400, code, { code })
  }
}
