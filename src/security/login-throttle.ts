/**
 * Throttling of password guesses per account name. The key is the submitted email, folded as
 * the database compares it (ASCII case folding), whether or not an account has it: a refusal
 * then says nothing about which emails exist. Each attempt is counted as a failure before the
 * password is checked, and the count is cleared when the password turns out right; so a burst
 * of concurrent guesses cannot all pass before the first failure is recorded.
 *
 * A password reset clears the count too, so a locked-out user gets back in through the
 * forgot-password mail (which the throttle never blocks).
 */
import { createHash } from 'node:crypto'
import { foldEmail } from '../email.ts'
import type { AttemptVerdict, BackoffPolicy } from './backoff.ts'
import type { RateLimitStore } from './rate-limit-store.ts'

/** Defaults: ten failures in a row cost nothing, then waits double from 1 s up to 15 min; the 100th locks for a day. */
export const DEFAULT_LOGIN_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  maxFailures: 100,
  lockoutMs: 24 * 3_600_000,
  forgetAfterMs: 24 * 3_600_000,
})

/**
 * @example
 * const throttle = new LoginThrottle(new MemoryRateLimitStore())
 * const verdict = await throttle.attempt('King.Arthur@camelot.bt')
 * if (!verdict.allowed) reply.code(429).header('retry-after', Math.ceil(verdict.retryAfterMs / 1000))
 * // … the password was right:
 * await throttle.succeeded('king.arthur@camelot.bt')
 */
export class LoginThrottle {
  readonly policy: Readonly<BackoffPolicy>
  readonly #store: RateLimitStore
  readonly #now: () => number

  constructor(store: RateLimitStore, policy: Partial<BackoffPolicy> = {}, now: () => number = Date.now) {
    this.#store = store
    this.policy = Object.freeze({ ...DEFAULT_LOGIN_BACKOFF, ...policy })
    this.#now = now
  }

  /** Counts an attempt on `email`, or refuses it while the email must wait. */
  attempt(email: string): Promise<AttemptVerdict> {
    return this.#store.attempt(throttleKey(email), this.policy, this.#now())
  }

  /** The password was right: the email's failures are forgotten. */
  succeeded(email: string): Promise<void> {
    return this.#store.clear(throttleKey(email))
  }
}

function throttleKey(email: string): string {
  // NFKC as well, as login looks the address up: `ａlice` must not be a fresh count for `alice`.
  return `login:${createHash('sha256').update(foldEmail(email.normalize('NFKC'))).digest('base64url')}`
}
