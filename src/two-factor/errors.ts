/**
 * The refusals of two-factor, all 400 with their code as `detail`, as FastAPI Users' own
 * refusals are. They are beyond FastAPI Users' `ErrorCode` table, which stays as upstream has it.
 */
import { FastifyUsersError } from '../errors.ts'

export const TwoFactorErrorCode = {
  /** The challenge token is malformed, expired, of another audience or backend, or used. */
  TWO_FACTOR_BAD_CHALLENGE: 'TWO_FACTOR_BAD_CHALLENGE',
  /** The code is wrong, outside its window, or already used. */
  TWO_FACTOR_BAD_CODE: 'TWO_FACTOR_BAD_CODE',
  TWO_FACTOR_ALREADY_ENABLED: 'TWO_FACTOR_ALREADY_ENABLED',
  /** Nothing to confirm, disable or regenerate. */
  TWO_FACTOR_NOT_ENABLED: 'TWO_FACTOR_NOT_ENABLED',
  /** The current password given to disable two-factor or regenerate codes is wrong. */
  TWO_FACTOR_INVALID_PASSWORD: 'TWO_FACTOR_INVALID_PASSWORD',
} as const

export type TwoFactorErrorCode = (typeof TwoFactorErrorCode)[keyof typeof TwoFactorErrorCode]

export class TwoFactorError extends FastifyUsersError {
  override readonly name = 'TwoFactorError'
  declare readonly code: TwoFactorErrorCode

  constructor(code: TwoFactorErrorCode) {
    super(400, code, { code })
  }
}
