/** The refusals of bans (README, "Banning users"): a banned user's login, and a ban that would already be over. */
import { FastifyUsersError } from './fastify-users-error.ts'

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
