/**
 * Growing delays after consecutive failures, the schedule of the failed-login throttle.
 *
 * The first `freeFailures - 1` failures cost nothing, so a user who mistypes a few times never
 * waits. From then on each failure makes the next attempt wait twice as long as the one before
 * (`baseDelayMs`, doubled, capped at `maxDelayMs`), and `maxFailures` consecutive failures lock
 * the key for `lockoutMs`: NIST SP 800-63B allows at most 100 consecutive failed attempts on an
 * account. A key's failures are forgotten `forgetAfterMs` after its last attempt, and at once
 * when the throttle clears it (a successful login, a password reset).
 *
 * Every store applies the same schedule; the Redis store repeats `backoffDelay` in Lua so that
 * reading, counting and scheduling stay one atomic step.
 */

export interface BackoffPolicy {
  /** The failure after which delays begin (failures before it cost nothing). */
  freeFailures: number
  /** The first delay, doubled after each further failure. */
  baseDelayMs: number
  /** The longest delay between two attempts, before the lockout. */
  maxDelayMs: number
  /** Consecutive failures that lock the key for `lockoutMs`. */
  maxFailures: number
  lockoutMs: number
  /** How long a key remembers its failures after its last attempt. */
  forgetAfterMs: number
}

/** What a store answers to one attempt. */
export interface AttemptVerdict {
  /** False while the key must wait; the attempt was then not counted. */
  allowed: boolean
  /** How long to wait before the next attempt is allowed (0 when allowed). */
  retryAfterMs: number
  /** Consecutive failures counted so far, this attempt included when allowed. */
  failures: number
  /** Allowed attempts only: what `RateLimitStore.release` needs to take the attempt back. */
  undo?: AttemptUndo
}

/**
 * Identifies one counted attempt, so that it can be taken back when the login ended without
 * a verdict on the password (a store error, a timeout): only wrong passwords count.
 */
export interface AttemptUndo {
  /** The key's counter generation: a counter cleared and begun again is another one. */
  generation: string
  /** The failures counted by this attempt (the count right after it). */
  failures: number
  /** When the next attempt was allowed before this one scheduled its own wait. */
  previousNextAt: number
}

/**
 * The wait imposed after the `failures`-th consecutive failure.
 *
 * @example
 * const policy = { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 900_000, maxFailures: 100, lockoutMs: 86_400_000, forgetAfterMs: 86_400_000 }
 * backoffDelay(9, policy) // 0
 * backoffDelay(12, policy) // 4000
 * backoffDelay(100, policy) // 86_400_000
 */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  if (failures >= policy.maxFailures) return policy.lockoutMs
  if (failures < policy.freeFailures) return 0
  return Math.min(policy.baseDelayMs * 2 ** (failures - policy.freeFailures), policy.maxDelayMs)
}
