/**
 * A request limit per key over a sliding window, approximated from two fixed windows: the
 * estimate is `previous × (share of the previous window still inside the sliding window) +
 * current`. It smooths the double burst a fixed window allows at its edges, and costs one
 * counter per window in the store.
 */
import type { RateLimitStore } from './rate-limit-store.ts'

export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number
  windowSeconds: number
}

/** `allowed`, or how long to wait before a request would be allowed again. */
export interface LimitVerdict {
  allowed: boolean
  retryAfterSeconds: number
}

/**
 * @example
 * const limiter = new SlidingWindowLimiter(new MemoryRateLimitStore())
 * const { allowed, retryAfterSeconds } = await limiter.hit('login:203.0.113.7', { limit: 600, windowSeconds: 60 })
 */
export class SlidingWindowLimiter {
  readonly #store: RateLimitStore
  readonly #now: () => number

  constructor(store: RateLimitStore, now: () => number = Date.now) {
    this.#store = store
    this.#now = now
  }

  /** Counts one request of `key` (refused requests count too) and says whether it may pass. */
  async hit(key: string, rule: RateLimitRule): Promise<LimitVerdict> {
    const windowMs = rule.windowSeconds * 1000
    const now = this.#now()
    const { current, previous } = await this.#store.hit(key, windowMs, now)
    const elapsed = (now % windowMs) / windowMs
    if (previous * (1 - elapsed) + current <= rule.limit) return { allowed: true, retryAfterSeconds: 0 }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs(current, previous, elapsed, rule.limit, windowMs) / 1000)) }
  }
}

/** Time until one more request fits, if no other request comes meanwhile. */
function waitMs(current: number, previous: number, elapsed: number, limit: number, windowMs: number): number {
  if (current < limit) {
    // Within this window, as the previous window's share shrinks.
    return (1 - (limit - current - 1) / previous - elapsed) * windowMs
  }
  // In the next window, as this window's share shrinks.
  return (1 - elapsed) * windowMs + Math.max(0, 1 - (limit - 1) / current) * windowMs
}
