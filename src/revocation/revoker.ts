/**
 * "Log out everywhere": anything that holds a user's tokens (a strategy, a refresh-token
 * store) can end all of them at once. The user manager calls every revoker it was given when a
 * user asks for it, when a password is reset through forgot/reset (CONTRACT, deliberate
 * difference 10) and when a user is deleted; deactivation calls none. Which revokers a set of
 * backends has is src/authentication/revokers.ts's business.
 */

export interface RevokeOptions {
  /**
   * A token of this user to keep (the one that authenticated a password change, so that the
   * client making the change stays logged in). Ignored when it is not one of the user's tokens.
   */
  except?: string
  /**
   * The user no longer exists. Its id never comes back (UUIDs), so a revoker whose tokens
   * already die with the user (a JWT fails its user lookup) may skip recording anything.
   */
  userDeleted?: boolean
}

export interface TokenRevoker {
  /** Ends every token of the user this revoker knows of, now, on every instance. */
  revokeAllTokens(userId: string, options?: RevokeOptions): Promise<void>
}

/**
 * What refresh tokens need of the strategy that issues their access tokens (a `Strategy`
 * satisfies it): a name for an access token that is no secret, and a way to end the token by
 * that name alone, so that a reused refresh token ends the access tokens of its session.
 */
export interface AccessTokenNames {
  tokenKey?(token: string): string | null
  revokeTokenKey?(key: string, userId: string): Promise<void>
}

/**
 * Whether `value` can revoke all of a user's tokens.
 *
 * @example
 * const revokers = backends.map((backend) => backend.strategy).filter(isTokenRevoker)
 */
export function isTokenRevoker(value: unknown): value is TokenRevoker {
  return typeof value === 'object' && value !== null && typeof (value as TokenRevoker).revokeAllTokens === 'function'
}
