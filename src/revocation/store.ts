/**
 * Where the revocation state of stateless tokens (JWTs) lives. Two facts per user and token:
 *
 * - a per-user token generation: every token carries the generation current when it was
 *   issued (claim `gen`, absent for 0, as in tokens a FastAPI Users deployment issued), and a
 *   token whose generation is below the user's current one is revoked. Bumping the generation
 *   is "log out everywhere", exact to the token: no clock is involved, so a token issued in
 *   the same second as a password reset is told apart from one issued after it;
 * - a denylist of logged-out tokens, each entry kept until the token would have expired
 *   anyway, so the list holds only tokens that would otherwise still work.
 *
 * Reading a token needs both, so `check` answers both in one round trip: one lookup beyond the
 * user lookup, and the JWT strategy runs the two concurrently. The state lives here rather than
 * in the user row so that the `user` table keeps FastAPI Users' exact layout (a FastAPI Users
 * deployment can share it) and every user adapter works unchanged; where it lives (memory,
 * Redis, SQL) decides whether several instances see one another's logouts.
 */

/** What a store knows of one user and one token. */
export interface RevocationState {
  /** The user's current token generation; 0 when it was never bumped. */
  generation: number
  /**
   * A token key kept through the latest bump (see `bump`), or `null`. It survives only
   * until the next bump, which replaces it.
   */
  kept: string | null
  /** Whether the token key is on the denylist. */
  denied: boolean
}

export interface RevocationStore {
  /** The user's generation and kept key, and whether `tokenKey` is denied: one round trip. */
  check(userId: string, tokenKey: string): Promise<RevocationState>
  /** The user's current generation, for a token being issued. */
  generation(userId: string): Promise<number>
  /**
   * Revokes every token of the user issued so far, atomically: increments the generation and
   * records `keep` (a token key that stays valid) or clears it.
   */
  bump(userId: string, keep?: string | null): Promise<void>
  /** Denies a token key until `expiresAt` (Unix seconds); `null` keeps it forever. */
  deny(tokenKey: string, expiresAt: number | null): Promise<void>
}

/**
 * Whether a token of generation `tokenGeneration` and key `tokenKey` is revoked in `state`.
 *
 * @example
 * if (isRevoked(await store.check(userId, key), generation, key)) return null
 */
export function isRevoked(state: RevocationState, tokenGeneration: number, tokenKey: string): boolean {
  if (state.denied) return true
  return tokenGeneration < state.generation && state.kept !== tokenKey
}
