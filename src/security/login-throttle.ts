/**
 * Throttling of password guesses per account name. The key is the submitted email, folded as
 * the database compares it (ASCII case folding), whether or not an account has it: a refusal
 * then says nothing about which emails exist. With usernames on (issue 16), the login route
 * hands a username's account email instead, so that guesses through either name of one account
 * share one count; an unknown username counts under itself, a key no email can have (no `@`).
 *
 * Only a wrong password (or an unknown email, which answers the same) counts as a failure. Each
 * attempt is counted before the password is checked, so that a burst of concurrent guesses
 * cannot all pass before the first failure is recorded; the login then tells the throttle how
 * it ended: a right password clears the count (`succeeded`), a login that ended without a
 * verdict on the password (a store error, a timeout, a 503) takes its attempt back
 * (`abandoned`), and a wrong password leaves it counted.
 *
 * With device proofs (device-proof.ts), an attempt that presents a valid proof for the account
 * counts on that device's own, more lenient, counter instead of the account's: an attacker's
 * guesses lock out untrusted attempts, never the user's own devices. A device that fails
 * `devicePolicy.maxFailures` times in a row loses its trust until its lockout ends: its
 * attempts count as untrusted ones. A trusted login clears its device's failures only, not the
 * account's, so that the user's logins do not hand an attacker fresh free guesses.
 *
 * A password reset clears the account's count, so a locked-out user gets back in through the
 * forgot-password mail (which the throttle never blocks).
 */
import { createHash } from 'node:crypto'
import { foldEmail } from '../email.ts'
import type { AttemptUndo, BackoffPolicy } from './backoff.ts'
import type { DeviceProofs } from './device-proof.ts'
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
 * Defaults per trusted device: ten failures cost nothing, then waits double from 1 s up to a
 * minute; the 20th failure in a row takes the device's trust away for a day.
 */
export const DEFAULT_DEVICE_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  freeFailures: 10,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxFailures: 20,
  lockoutMs: 24 * 3_600_000,
  forgetAfterMs: 24 * 3_600_000,
})

export interface LoginThrottleOptions {
  store: RateLimitStore
  /** The schedule of untrusted attempts per account (default `DEFAULT_LOGIN_BACKOFF`). */
  policy?: Partial<BackoffPolicy>
  /** Device proofs to trust; without them every attempt is untrusted. */
  devices?: DeviceProofs
  /** The schedule per trusted device (default `DEFAULT_DEVICE_BACKOFF`). */
  devicePolicy?: Partial<BackoffPolicy>
  now?: () => number
}

/** One login attempt, as the throttle answered it; hand it back to say how the login ended. */
export interface LoginAttempt {
  /** False while the attempt must wait; it was then not counted. */
  readonly allowed: boolean
  /** How long to wait before the next attempt is allowed (0 when allowed). */
  readonly retryAfterMs: number
  /** Whether the attempt counted on a trusted device's counter. */
  readonly trusted: boolean
  /** The consecutive failures of its counter, this attempt included when allowed. */
  readonly failures: number
  readonly email: string
  /** The counter the attempt was counted on, and how to take it back. */
  readonly key: string
  readonly undo: AttemptUndo | undefined
}

/**
 * @example
 * const throttle = new LoginThrottle({ store: new MemoryRateLimitStore(), devices: new DeviceProofs({ secret }) })
 * const attempt = await throttle.attempt('King.Arthur@camelot.bt', proofFromCookie)
 * if (!attempt.allowed) reply.code(429).header('retry-after', Math.ceil(attempt.retryAfterMs / 1000))
 * // … the password was right: the failures are forgotten, and the device gets a new proof
 * const proof = await throttle.succeeded(attempt)
 */
export class LoginThrottle {
  readonly policy: Readonly<BackoffPolicy>
  readonly devicePolicy: Readonly<BackoffPolicy>
  readonly devices: DeviceProofs | null
  readonly #store: RateLimitStore
  readonly #now: () => number

  constructor(options: LoginThrottleOptions) {
    this.#store = options.store
    this.policy = Object.freeze({ ...DEFAULT_LOGIN_BACKOFF, ...options.policy })
    this.devicePolicy = Object.freeze({ ...DEFAULT_DEVICE_BACKOFF, ...options.devicePolicy })
    this.devices = options.devices ?? null
    this.#now = options.now ?? Date.now
  }

  /**
   * Counts an attempt on `email` as a failure up front, or refuses it while it must wait.
   * `proof` is the device proof the client presented, if any.
   */
  async attempt(email: string, proof?: string | null): Promise<LoginAttempt> {
    const account = accountKey(email)
    const deviceId = proof && this.devices !== null ? this.devices.verify(proof, email) : null
    if (deviceId !== null) {
      const key = `login-device:${account}:${deviceId}`
      const verdict = await this.#store.attempt(key, this.devicePolicy, this.#now())
      const trustLost = !verdict.allowed && verdict.failures >= this.devicePolicy.maxFailures
      if (!trustLost) return { allowed: verdict.allowed, retryAfterMs: verdict.retryAfterMs, trusted: true, failures: verdict.failures, email, key, undo: verdict.undo }
    }
    const key = `login:${account}`
    const verdict = await this.#store.attempt(key, this.policy, this.#now())
    return { allowed: verdict.allowed, retryAfterMs: verdict.retryAfterMs, trusted: false, failures: verdict.failures, email, key, undo: verdict.undo }
  }

  /**
   * The password was right: the failures of the attempt's counter are forgotten. Answers a
   * fresh device proof for the client, or null without device proofs.
   */
  async succeeded(attempt: LoginAttempt): Promise<string | null> {
    await this.#store.clear(attempt.key)
    return this.devices?.issue(attempt.email) ?? null
  }

  /** The login ended without a verdict on the password: its attempt is taken back. */
  async abandoned(attempt: LoginAttempt): Promise<void> {
    if (attempt.undo === undefined) return
    await this.#store.release(attempt.key, attempt.undo, attempt.trusted ? this.devicePolicy : this.policy, this.#now())
  }

  /**
   * How long a failed attempt locked its account name out (ms), when it reached the lockout
   * (`maxFailures`); `null` otherwise. A trusted device losing its trust locks nobody out.
   */
  lockoutOf(attempt: LoginAttempt): number | null {
    return !attempt.trusted && attempt.failures >= this.policy.maxFailures ? this.policy.lockoutMs : null
  }

  /** The account's password was reset: its failed untrusted attempts are forgotten. */
  forget(email: string): Promise<void> {
    return this.#store.clear(`login:${accountKey(email)}`)
  }
}

function accountKey(email: string): string {
  // NFKC as well, as login looks the address up: `ａlice` must not be a fresh count for `alice`.
  return createHash('sha256').update(foldEmail(email.normalize('NFKC'))).digest('base64url')
}
