/** The refusal of an email-change token: 400 with its code as `detail`. */
import { FastifyUsersError } from '../errors.ts'

export const EMAIL_CHANGE_BAD_TOKEN = 'EMAIL_CHANGE_BAD_TOKEN'

/** Malformed, expired, of another audience, already used or overtaken, or its user inactive. */
export class EmailChangeError extends FastifyUsersError {
  override readonly name = 'EmailChangeError'

  constructor() {
    super(400, EMAIL_CHANGE_BAD_TOKEN, { code: EMAIL_CHANGE_BAD_TOKEN })
  }
}
