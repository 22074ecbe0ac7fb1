/**
 * The refusals of usernames (issue 16), all 400, shaped as FastAPI Users' own: a taken username
 * answers its code as `detail`, as a taken email does; a username the rules refuse answers
 * `{"code", "reason"}`, as a refused password does. They are beyond FastAPI Users' `ErrorCode`
 * table, which stays as upstream has it.
 */
import { FastifyUsersError } from '../errors.ts'

export const UsernameErrorCode = {
  REGISTER_INVALID_USERNAME: 'REGISTER_INVALID_USERNAME',
  REGISTER_USERNAME_ALREADY_EXISTS: 'REGISTER_USERNAME_ALREADY_EXISTS',
  UPDATE_USER_INVALID_USERNAME: 'UPDATE_USER_INVALID_USERNAME',
  UPDATE_USER_USERNAME_ALREADY_EXISTS: 'UPDATE_USER_USERNAME_ALREADY_EXISTS',
} as const

export type UsernameErrorCode = (typeof UsernameErrorCode)[keyof typeof UsernameErrorCode]

/**
 * @example
 * throw new UsernameError(UsernameErrorCode.REGISTER_INVALID_USERNAME, 'Username is reserved')
 */
export class UsernameError extends FastifyUsersError {
  override readonly name = 'UsernameError'
  declare readonly code: UsernameErrorCode
  readonly reason: string | undefined

  constructor(code: UsernameErrorCode, reason?: string) {
    super(400, reason === undefined ? code : { code, reason }, { code, message: reason === undefined ? code : `${code}: ${reason}` })
    this.reason = reason
  }
}
