/**
 * How instances sharing a database tell one another which cached entries a write made stale.
 * A channel is only trusted while it says it is listening: between `down` and the next `up`
 * messages may have been lost, so the cache forgets everything and reads through (see
 * `auth-cache.ts`).
 */

/** What a channel reports to the cache that opened it. */
export interface InvalidationEvents {
  /** Another instance (or this one) wrote what `key` names. */
  invalidate(key: string): void
  /** Listening again: every message published from now on will arrive. */
  up(): void
  /** No longer sure to receive messages (a lost connection, a failed subscription). */
  down(): void
}

export interface InvalidationChannel {
  /** Starts listening; resolves once the first attempt has ended, whether it is up or not. */
  open(events: InvalidationEvents): Promise<void>
  /** Tells every instance, this one included, that `key` is stale. Rejects when it could not. */
  publish(key: string): Promise<void>
  close(): Promise<void>
}
