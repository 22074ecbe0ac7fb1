/**
 * The refusals of passkeys, 400 with their code as `detail` as FastAPI Users' refusals are.
 * A login whose assertion fails for any reason (unknown credential, bad signature, a counter
 * gone backwards, an inactive user) answers FastAPI Users' own `LOGIN_BAD_CREDENTIALS`, so
 * that nothing tells one case from another.
 */
import { FastifyUsersError } from '../errors.ts'

export const PasskeyErrorCode = {
  /** The challenge token is malformed, expired, of another ceremony or user, or used. */
  PASSKEY_BAD_CHALLENGE: 'PASSKEY_BAD_CHALLENGE',
  /** The authenticator's answer to a registration does not verify. */
  PASSKEY_REGISTRATION_FAILED: 'PASSKEY_REGISTRATION_FAILED',
  /** This credential is registered already. */
  PASSKEY_ALREADY_REGISTERED: 'PASSKEY_ALREADY_REGISTERED',
  /** The user has as many passkeys as `maxPerUser` allows. */
  PASSKEY_LIMIT_REACHED: 'PASSKEY_LIMIT_REACHED',
} as const

export type PasskeyErrorCode = (typeof PasskeyErrorCode)[keyof typeof PasskeyErrorCode]

export class PasskeyError extends FastifyUsersError {
  override readonly name = 'PasskeyError'
  declare readonly code: PasskeyErrorCode

  constructor(code: PasskeyErrorCode) {
    super(400, code, { code })
  }
}
