/**
 * Where the counters of brute-force protection live. A store only counts; the limits and
 * schedules are decided by the caller and passed in. Each method is one atomic step, so that
 * concurrent requests, on one instance or several sharing a store, can never all slip through
 * between a read and a write.
 */
import type { AttemptUndo, AttemptVerdict, BackoffPolicy } from './backoff.ts'

/** A key's hit counts in the current fixed window (this hit included) and in the one before. */
export interface WindowCounts {
  current: number
  previous: number
}

export interface RateLimitStore {
  /**
   * Counts one hit of `key` in the fixed window of `windowMs` that contains `nowMs`
   * (window number `floor(nowMs / windowMs)`) and returns that window's count and the
   * previous window's.
   */
  hit(key: string, windowMs: number, nowMs: number): Promise<WindowCounts>
  /**
   * One attempt under a backoff schedule: refused while the key must wait, else counted as a
   * failure (until `clear` says otherwise) and the next wait scheduled.
   */
  attempt(key: string, policy: BackoffPolicy, nowMs: number): Promise<AttemptVerdict>
  /**
   * Takes back an attempt counted by `attempt` (its verdict's `undo`). When no other attempt
   * was counted since, the key is as it was before; otherwise the count drops by one and the
   * longer wait stays. An attempt whose counter was cleared since is left alone.
   */
  release(key: string, undo: AttemptUndo, policy: BackoffPolicy, nowMs: number): Promise<void>
  /** Forgets a key's attempts. */
  clear(key: string): Promise<void>
}
