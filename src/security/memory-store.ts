/**
 * The default store: counters in this process's memory. Fine for one instance; several
 * instances behind a load balancer each count on their own, so share a Redis store there.
 *
 * Memory stays bounded: expired entries are swept every so often, and past `maxEntries` the
 * oldest entries are dropped (a flood of made-up emails or addresses cannot grow the map
 * without limit; what it can do is make the store forget, which the per-address limits of the
 * flooding client bound).
 */
import { backoffDelay, type AttemptVerdict, type BackoffPolicy } from './backoff.ts'
import type { RateLimitStore, WindowCounts } from './rate-limit-store.ts'

export interface MemoryRateLimitStoreOptions {
  /** Entries kept at most (default 100 000). */
  maxEntries?: number
}

interface Entry {
  expiresAt: number
  count: number
  /** Backoff entries only: when the next attempt is allowed. */
  nextAt: number
}

const SWEEP_EVERY = 1000

/**
 * @example
 * const users = fastifyUsers({ ..., security: { store: new MemoryRateLimitStore({ maxEntries: 10_000 }) } })
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number
  #operations = 0

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<WindowCounts> {
    this.#housekeeping(nowMs)
    const window = Math.floor(nowMs / windowMs)
    const currentKey = `${key}:${window}`
    const current = this.#live(currentKey, nowMs) ?? this.#insert(currentKey, (window + 2) * windowMs)
    current.count++
    return { current: current.count, previous: this.#live(`${key}:${window - 1}`, nowMs)?.count ?? 0 }
  }

  async attempt(key: string, policy: BackoffPolicy, nowMs: number): Promise<AttemptVerdict> {
    this.#housekeeping(nowMs)
    const entry = this.#live(key, nowMs) ?? this.#insert(key, nowMs + policy.forgetAfterMs)
    if (nowMs < entry.nextAt) return { allowed: false, retryAfterMs: entry.nextAt - nowMs, failures: entry.count }
    entry.count++
    const delay = backoffDelay(entry.count, policy)
    entry.nextAt = nowMs + delay
    entry.expiresAt = entry.nextAt + policy.forgetAfterMs
    return { allowed: true, retryAfterMs: 0, failures: entry.count }
  }

  async clear(key: string): Promise<void> {
    this.#entries.delete(key)
  }

  /** Entries currently held (expired ones included until the next sweep). */
  get size(): number {
    return this.#entries.size
  }

  #live(key: string, nowMs: number): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.expiresAt > nowMs) return entry
    this.#entries.delete(key)
    return undefined
  }

  #insert(key: string, expiresAt: number): Entry {
    const entry: Entry = { expiresAt, count: 0, nextAt: 0 }
    this.#entries.set(key, entry)
    return entry
  }

  #housekeeping(nowMs: number): void {
    if (++this.#operations % SWEEP_EVERY === 0) {
      for (const [key, entry] of this.#entries) if (entry.expiresAt <= nowMs) this.#entries.delete(key)
    }
    // Map iteration follows insertion order, so the first keys are the oldest.
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break
      this.#entries.delete(key)
    }
  }
}
