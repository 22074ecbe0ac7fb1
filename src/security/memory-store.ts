/**
 * The default store: counters in this process's memory. Fine for one instance; several
 * instances behind a load balancer each count on their own, so share a Redis store there.
 *
 * Memory stays bounded at `maxEntries`: expired entries are swept every so often, and past the
 * bound the least recently counted entries are dropped. A flood of made-up emails or addresses
 * must not make the store forget a key that is being throttled (that would hand a guesser a
 * fresh set of free attempts), so keys in their backoff (waiting or locked out) are kept apart
 * and dropped only when nothing else is left to drop: filling the store with them costs a
 * flooder the free failures of every key, which the per-address limits bound.
 */
import { backoffDelay, type AttemptUndo, type AttemptVerdict, type BackoffPolicy } from './backoff.ts'
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
  /** Backoff entries only: `nextAt` before the last counted attempt, and when that was, for `release`. */
  previousNextAt: number
  lastAt: number
  /** Backoff entries only: tells a counter from one cleared and begun again. */
  generation: string
}

const SWEEP_EVERY = 1000

/**
 * @example
 * const users = fastifyUsers({ ..., security: { store: new MemoryRateLimitStore({ maxEntries: 10_000 }) } })
 */
export class MemoryRateLimitStore implements RateLimitStore {
  /** Window counters and backoff keys not (yet) in their backoff, least recently counted first. */
  readonly #ordinary = new Map<string, Entry>()
  /** Backoff keys whose failures already cost a wait or a lockout. */
  readonly #throttled = new Map<string, Entry>()
  readonly #maxEntries: number
  #operations = 0
  #generations = 0

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000
    if (!(Number.isInteger(this.#maxEntries) && this.#maxEntries > 0)) throw new TypeError('maxEntries must be a positive whole number')
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<WindowCounts> {
    this.#sweep(nowMs)
    const window = Math.floor(nowMs / windowMs)
    const currentKey = `${key}:${window}`
    const current = this.#live(currentKey, nowMs) ?? this.#newEntry((window + 2) * windowMs)
    current.count++
    this.#place(currentKey, current, false)
    return { current: current.count, previous: this.#live(`${key}:${window - 1}`, nowMs)?.count ?? 0 }
  }

  async attempt(key: string, policy: BackoffPolicy, nowMs: number): Promise<AttemptVerdict> {
    this.#sweep(nowMs)
    // Stryker disable next-line ArithmeticOperator: equivalent, a new entry is never refused, so the count below sets its expiry
    const entry = this.#live(key, nowMs) ?? this.#newEntry(nowMs + policy.forgetAfterMs)
    if (nowMs < entry.nextAt) return { allowed: false, retryAfterMs: entry.nextAt - nowMs, failures: entry.count }
    entry.count++
    const delay = backoffDelay(entry.count, policy)
    entry.previousNextAt = entry.nextAt
    entry.lastAt = nowMs
    entry.nextAt = nowMs + delay
    entry.expiresAt = entry.nextAt + policy.forgetAfterMs
    this.#place(key, entry, delay > 0)
    const undo: AttemptUndo = { generation: entry.generation, failures: entry.count, previousNextAt: entry.previousNextAt }
    return { allowed: true, retryAfterMs: 0, failures: entry.count, undo }
  }

  async release(key: string, undo: AttemptUndo, policy: BackoffPolicy, nowMs: number): Promise<void> {
    const entry = this.#live(key, nowMs)
    if (entry === undefined || entry.generation !== undo.generation) return
    const last = entry.count === undo.failures
    entry.count--
    // The attempt was the last one counted: the key is as it was before it. Otherwise the
    // remaining count's wait runs from the latest attempt, if that is sooner.
    entry.nextAt = last ? undo.previousNextAt : Math.min(entry.nextAt, entry.lastAt + backoffDelay(entry.count, policy))
    entry.expiresAt = entry.nextAt + policy.forgetAfterMs
    if (entry.count <= 0 || entry.expiresAt <= nowMs) {
      this.#delete(key)
      return
    }
    this.#place(key, entry, backoffDelay(entry.count, policy) > 0)
  }

  async clear(key: string): Promise<void> {
    this.#delete(key)
  }

  /** Entries currently held (expired ones included until the next sweep). */
  get size(): number {
    return this.#ordinary.size + this.#throttled.size
  }

  /** A new entry, for which room is made first. */
  #newEntry(expiresAt: number): Entry {
    this.#makeRoom()
    // Stryker disable next-line UpdateOperator: equivalent, counting down keeps the generations distinct too
    return { expiresAt, count: 0, nextAt: 0, previousNextAt: 0, lastAt: 0, generation: String(++this.#generations) }
  }

  #live(key: string, nowMs: number): Entry | undefined {
    const entry = this.#ordinary.get(key) ?? this.#throttled.get(key)
    if (entry === undefined || entry.expiresAt > nowMs) return entry
    this.#delete(key)
    return undefined
  }

  /** (Re)inserts `key` last in its map: Map iteration follows insertion order. */
  #place(key: string, entry: Entry, throttled: boolean): void {
    this.#delete(key)
    ;(throttled ? this.#throttled : this.#ordinary).set(key, entry)
  }

  #delete(key: string): void {
    if (!this.#ordinary.delete(key)) this.#throttled.delete(key)
  }

  #sweep(nowMs: number): void {
    // Stryker disable next-line UpdateOperator: equivalent, -1000 % 1000 is -0, which equals 0: every thousandth still sweeps
    if (++this.#operations % SWEEP_EVERY !== 0) return
    for (const entries of [this.#ordinary, this.#throttled]) {
      for (const [key, entry] of entries) if (entry.expiresAt <= nowMs) entries.delete(key)
    }
  }

  /** Room for one more entry: the least recently counted ordinary entries go first. */
  #makeRoom(): void {
    for (const entries of [this.#ordinary, this.#throttled]) {
      for (const key of entries.keys()) {
        if (this.size < this.#maxEntries) return
        entries.delete(key)
      }
    }
  }
}
