/**
 * The sliding-window estimate, step by step on a fake clock: refusals in the first window AND
 * in the second (where the previous window's share still counts), the exact boundary, the
 * Retry-After each refusal announces, and a window two back that no longer counts.
 */
import { describe, expect, it } from 'vitest'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'
import { SlidingWindowLimiter } from '../../src/security/sliding-window.ts'

const RULE = { limit: 4, windowSeconds: 10 }

function limiterAt(start: number) {
  const clock = { now: start }
  const limiter = new SlidingWindowLimiter(new MemoryRateLimitStore(), () => clock.now)
  return { clock, hit: () => limiter.hit('k', RULE) }
}

describe('SlidingWindowLimiter', () => {
  it('refuses past the limit in the first window, with the wait until the next window frees a request', async () => {
    const { hit } = limiterAt(1_000)
    for (let i = 0; i < 4; i++) expect(await hit()).toEqual({ allowed: true, retryAfterSeconds: 0 })
    // 5 counted at 10 % of the window: 9 s to its end, then 5 × (1 − e) ≤ 3 needs e ≥ 0.4, 4 s more.
    expect(await hit()).toEqual({ allowed: false, retryAfterSeconds: 13 })
  })

  it('refuses in the second window while the previous window\'s share keeps the estimate over the limit', async () => {
    const { clock, hit } = limiterAt(1_000)
    for (let i = 0; i < 5; i++) await hit()
    // 20 % into the next window: 5 × 0.8 + 1 = 5 > 4.
    clock.now = 12_000
    // One more fits when 5 × (1 − e) + 2 ≤ 4, at e = 0.6: 4 s later.
    expect(await hit()).toEqual({ allowed: false, retryAfterSeconds: 4 })
    clock.now = 16_000
    // 5 × 0.4 + 2 = 4: exactly the limit, allowed.
    expect(await hit()).toEqual({ allowed: true, retryAfterSeconds: 0 })
    // 5 × 0.4 + 3 = 5: refused again; the next fits at e = 1, in 4 s.
    expect(await hit()).toEqual({ allowed: false, retryAfterSeconds: 4 })
  })

  it('refuses in the second window once its own count reaches the limit, with the wait into the third', async () => {
    const { clock, hit } = limiterAt(1_000)
    for (let i = 0; i < 2; i++) await hit()
    clock.now = 15_000
    // 2 × 0.5 + 1..3 ≤ 4: three pass; the fourth makes 2 × 0.5 + 4 = 5.
    for (let i = 0; i < 3; i++) expect((await hit()).allowed).toBe(true)
    // 5 s to the window's end, then 4 × (1 − e) ≤ 3 needs e ≥ 0.25: 2.5 s more, rounded up.
    expect(await hit()).toEqual({ allowed: false, retryAfterSeconds: 8 })
  })

  it('forgets a window two back', async () => {
    const { clock, hit } = limiterAt(1_000)
    for (let i = 0; i < 8; i++) await hit()
    clock.now = 21_000
    for (let i = 0; i < 4; i++) expect((await hit()).allowed).toBe(true)
    expect((await hit()).allowed).toBe(false)
  })

  it('announces whole seconds, rounded up, never 0', async () => {
    const clock = { now: 0 }
    const limiter = new SlidingWindowLimiter(new MemoryRateLimitStore(), () => clock.now)
    const rule = { limit: 4, windowSeconds: 1 }
    for (let i = 0; i < 5; i++) await limiter.hit('k', rule)
    clock.now = 1_100
    // 5 × 0.9 + 1 > 4; one more fits at e = 0.6, 500 ms later.
    expect(await limiter.hit('k', rule)).toEqual({ allowed: false, retryAfterSeconds: 1 })
  })
})
