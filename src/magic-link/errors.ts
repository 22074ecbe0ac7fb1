/** The refusal of a magic link: 400 with its code as `detail`, as FastAPI Users' refusals are. */
import { FastifyUsersError } from '../errors.ts'

export const MAGIC_LINK_BAD_TOKEN = 'MAGIC_LINK_BAD_TOKEN'

/** The link is malformed, expired, of another audience, used, or its user cannot log in. */
export class MagicLinkError extends FastifyUsersError {
  override readonly name = 'MagicLinkError'

  constructor() {
    super(400, MAGIC_LINK_BAD_TOKEN, { code: MAGIC_LINK_BAD_TOKEN })
  }
}
