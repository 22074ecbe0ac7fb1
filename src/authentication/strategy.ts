/**
 * A strategy turns a user into a token and back (CONTRACT §7), and nothing else: where the
 * token travels is the transport's business.
 */
import type { UserRecord } from '../user.ts'

/** How a strategy finds the user a token names (the user manager satisfies it). */
export interface UserLookup<U extends UserRecord = UserRecord> {
  get(id: string): Promise<U | null>
}

export interface Strategy<U extends UserRecord = UserRecord> {
  /** The user of a valid token, or `null` for any invalid, expired, revoked or unknown token. */
  readToken(token: string, users: UserLookup<U>): Promise<U | null>
  writeToken(user: U): Promise<string>
  /** Ends the token (logout). */
  destroyToken(token: string, user: U): Promise<void>
}
