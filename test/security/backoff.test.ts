/**
 * The failed-login schedule on its own: free failures, the first delay, its doubling, the cap,
 * and the lockout, each at its edge.
 */
import { describe, expect, it } from 'vitest'
import { backoffDelay, type BackoffPolicy } from '../../src/security/backoff.ts'

const policy: BackoffPolicy = {
  freeFailures: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxFailures: 10,
  lockoutMs: 60_000,
  forgetAfterMs: 3_600_000,
}

describe('backoff delay', () => {
  it('costs nothing before the free failures are used up', () => {
    expect(backoffDelay(0, policy)).toBe(0)
    expect(backoffDelay(2, policy)).toBe(0)
  })

  it('waits the base delay at the last free failure, then twice as long per failure', () => {
    expect(backoffDelay(3, policy)).toBe(100)
    expect(backoffDelay(4, policy)).toBe(200)
    expect(backoffDelay(5, policy)).toBe(400)
    expect(backoffDelay(6, policy)).toBe(800)
  })

  it('caps the delay at maxDelayMs until the lockout', () => {
    expect(backoffDelay(7, policy)).toBe(1000)
    expect(backoffDelay(9, policy)).toBe(1000)
  })

  it('locks the key for lockoutMs from maxFailures on', () => {
    expect(backoffDelay(10, policy)).toBe(60_000)
    expect(backoffDelay(11, policy)).toBe(60_000)
  })

  it('locks out even when the lockout is shorter than the capped delay', () => {
    expect(backoffDelay(10, { ...policy, lockoutMs: 50 })).toBe(50)
    expect(backoffDelay(2, { ...policy, freeFailures: 0 })).toBe(400)
  })
})
