/**
 * What an access token's verification yields, remembered per token so that a token sent again
 * is not verified again (issue 14: the HMAC and the two JSON parses were the largest part of an
 * authenticated request once the auth cache served its user and revocation state).
 *
 * Only what cannot change is remembered: a valid signature stays valid, and so do `nbf` and
 * `iat` once passed. Expiry can change, so it is checked on every hit against the clock, as
 * verification checks it. Whether the token was revoked is not remembered here at all: the
 * strategy asks its revocation store on every request, hit or not.
 *
 * Keyed by the token itself: a map compares whole keys, so only the very same text hits, and a
 * cryptographic hash of the token would cost what the HMAC it saves costs. Bounded; the oldest
 * entry goes first.
 */

/** The readings of a verified token that a request needs. */
export interface VerifiedToken {
  /** The user id, already parsed. */
  userId: string
  /** Its denylist key (`jwtTokenKey`). */
  tokenKey: string
  /** Its generation (`jwtGeneration`). */
  generation: number
  /** Its `exp` in Unix seconds, `null` for a token without one. */
  exp: number | null
}

/**
 * @example
 * const verified = new VerifiedTokens(10_000)
 * verified.get(token) ?? verified.set(token, readings)
 */
export class VerifiedTokens {
  readonly #entries = new Map<string, VerifiedToken>()
  readonly #maxEntries: number

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  /** The readings of `token` when it was verified before and has not expired since. */
  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    // The clock of `verifyJwt`: whole seconds, no tolerance.
    if (entry.exp !== null && entry.exp <= Math.floor(Date.now() / 1000)) {
      this.#entries.delete(token)
      return undefined
    }
    return entry
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.#maxEntries <= 0) return
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(token)) {
      this.#entries.delete(this.#entries.keys().next().value!)
    }
    this.#entries.set(token, verified)
  }

  delete(token: string): void {
    this.#entries.delete(token)
  }

  get size(): number {
    return this.#entries.size
  }
}
