/**
 * Single-use OAuth states. The callback clears the CSRF cookie, which stops a browser from
 * using a state twice; it does not stop whoever copied a callback request (a proxy log, a
 * browser history synced elsewhere, a client that ignores the clearing `Set-Cookie`) from
 * sending it again with the cookie. So the callback also records each state it accepts, by its
 * CSRF token (256 random bits, unique per state), until the state expires, and refuses a
 * state it has seen: `OAUTH_INVALID_STATE`, before the code goes to the provider.
 *
 * The default store lives in the memory of one process. An application that runs several
 * processes behind a load balancer passes a shared store, e.g. Redis:
 * `consume: async (key, exp) => (await redis.set(`oauth-state:${key}`, '1', 'EXAT', exp, 'NX')) === 'OK'`.
 */

export interface OAuthStateStore {
  /**
   * Records `key` until `expiresAt` (epoch seconds). Resolves `true` the first time, `false`
   * for a key already recorded and not yet expired; the check and the write are one atomic step.
   */
  consume(key: string, expiresAt: number): Promise<boolean>
}

/** An `OAuthStateStore` in this process's memory; entries leave once their state has expired. */
export class MemoryOAuthStateStore implements OAuthStateStore {
  readonly #expiries = new Map<string, number>()

  /**
   * @example
   * const first = await store.consume(state.csrftoken, state.exp) // true, then false
   */
  async consume(key: string, expiresAt: number): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000)
    this.#prune(now)
    const known = this.#expiries.get(key)
    if (known !== undefined && known > now) return false
    this.#expiries.set(key, expiresAt)
    return true
  }

  /** How many states are remembered (for tests and metrics). */
  get size(): number {
    return this.#expiries.size
  }

  /**
   * Drops expired entries from the oldest insertions on. States live at most their lifetime,
   * so everything inserted more than a lifetime ago goes, and the map stays bounded by the
   * number of callbacks in one lifetime.
   */
  #prune(now: number): void {
    for (const [key, expiresAt] of this.#expiries) {
      if (expiresAt > now) break
      this.#expiries.delete(key)
    }
  }
}
