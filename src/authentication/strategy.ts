/**
 * A strategy turns a user into a token and back (CONTRACT §7), and nothing else: where the
 * token travels is the transport's business.
 */
import type { UserRecord } from '../user.ts'

/** How a strategy finds the user a token names (the user manager satisfies it). */
export interface UserLookup<U extends UserRecord = UserRecord> {
  get(id: string): Promise<U | null>
}

/**
 * A strategy is independent of the application's user type: it hands back whatever user the
 * lookup finds, so one strategy serves any user model.
 */
export interface Strategy {
  /** The user of a valid token, or `null` for any invalid, expired, revoked or unknown token. */
  readToken<U extends UserRecord>(token: string, users: UserLookup<U>): Promise<U | null>
  writeToken(user: UserRecord): Promise<string>
  /** Optional: seconds a token works after its issue (`null`: until ended), for the session records. */
  readonly lifetimeSeconds?: number | null
  /** Ends the token (logout). */
  destroyToken(token: string, user: UserRecord): Promise<void>
  /**
   * Optional: a name of a token this strategy issued that is no secret (a JWT's denylist key,
   * an opaque token's SHA-256), or `null` when it has none. Refresh tokens keep it, so that a
   * reuse of their family ends the access tokens issued with them (`revokeTokenKey`).
   */
  tokenKey?(token: string): string | null
  /** Ends the token that `tokenKey` named, of user `userId`. */
  revokeTokenKey?(key: string, userId: string): Promise<void>
}
