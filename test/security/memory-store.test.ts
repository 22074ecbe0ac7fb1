/**
 * The memory rate-limit store's own behaviour (src/security/memory-store.ts), beyond the
 * contract every store keeps (rate-limit-stores.test.ts, which also runs Redis): when its
 * entries expire, the periodic sweep, the bound on its entries and which entries go first, and
 * what taking attempts back leaves.
 */
import { describe, expect, it } from 'vitest'
import type { BackoffPolicy } from '../../src/security/backoff.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'

const policy: BackoffPolicy = { freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 4000, maxFailures: 5, lockoutMs: 60_000, forgetAfterMs: 10_000 }
const T0 = 1_000_000

describe('MemoryRateLimitStore', () => {
  it('holds 100 000 entries by default, and refuses a bound that is not a positive whole number', async () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryRateLimitStore({ maxEntries })).toThrow(new TypeError('maxEntries must be a positive whole number'))
    }
    const store = new MemoryRateLimitStore()
    for (let i = 0; i < 100_001; i++) await store.hit(`k${i}`, 60_000, T0)
    expect(store.size).toBe(100_000)
    expect(await store.hit('k0', 60_000, T0)).toEqual({ current: 1, previous: 0 })
    expect(await store.hit('k2', 60_000, T0)).toEqual({ current: 2, previous: 0 })
  })

  it('keeps a window’s count through the next window, and forgets it after', async () => {
    const store = new MemoryRateLimitStore()
    await store.hit('k', 1000, T0)
    await store.hit('k', 1000, T0 + 999)
    expect(await store.hit('k', 1000, T0 + 1999)).toEqual({ current: 1, previous: 2 })
    expect(store.size).toBe(2)
    expect(await store.hit('k', 1000, T0 + 2000)).toEqual({ current: 1, previous: 1 })
    expect(await store.hit('k', 1000, T0 + 4000)).toEqual({ current: 1, previous: 0 })
  })

  it('answers an attempt’s verdict and the undo that takes it back', async () => {
    const store = new MemoryRateLimitStore()
    const first = await store.attempt('k', policy, T0)
    expect(first).toEqual({ allowed: true, retryAfterMs: 0, failures: 1, undo: { generation: expect.any(String), failures: 1, previousNextAt: 0 } })
    await store.attempt('k', policy, T0)
    const third = await store.attempt('k', policy, T0 + 1000)
    expect(third).toEqual({ allowed: true, retryAfterMs: 0, failures: 3, undo: { generation: first.undo!.generation, failures: 3, previousNextAt: T0 + 1000 } })
    expect(await store.attempt('k', policy, T0 + 1500)).toEqual({ allowed: false, retryAfterMs: 1500, failures: 3 })
    await store.clear('k')
    expect((await store.attempt('k', policy, T0)).undo!.generation).not.toBe(first.undo!.generation)
  })

  it('forgets an attempt counter forgetAfterMs after its next allowed attempt, not before', async () => {
    const store = new MemoryRateLimitStore()
    for (let i = 0; i < 2; i++) await store.attempt('k', policy, T0)
    // The second failure allowed the next attempt at T0 + 1000: forgotten at T0 + 11 000.
    expect(await store.attempt('k', policy, T0 + 10_999)).toMatchObject({ failures: 3 })
    const late = new MemoryRateLimitStore()
    for (let i = 0; i < 2; i++) await late.attempt('k', policy, T0)
    expect(await late.attempt('k', policy, T0 + 11_000)).toMatchObject({ allowed: true, failures: 1 })
  })

  it('sweeps expired entries every thousandth operation, of both kinds', async () => {
    const store = new MemoryRateLimitStore()
    await store.hit('window', 1000, T0)
    for (let i = 0; i < 3; i++) await store.attempt('throttled', policy, T0)
    expect(store.size).toBe(2)
    // Swept exactly when the attempt counter expires (its next attempt at T0 + 1000, plus 10 s).
    const later = T0 + 11_000
    for (let i = 0; i < 995; i++) await store.hit('fresh', 60_000, later)
    expect(store.size).toBe(3)
    await store.attempt('fresh-attempts', policy, later)
    expect(store.size).toBe(2)
    expect(await store.attempt('throttled', policy, later)).toMatchObject({ failures: 1 })
  })

  it('keeps window counters with the entries that go first, whatever their count', async () => {
    const store = new MemoryRateLimitStore({ maxEntries: 2 })
    await store.hit('window', 60_000, T0)
    await store.attempt('free', policy, T0)
    await store.hit('another', 60_000, T0)
    expect(await store.attempt('free', policy, T0)).toMatchObject({ failures: 2 })
    expect(await store.hit('window', 60_000, T0)).toEqual({ current: 1, previous: 0 })
  })

  it('drops the least recently counted entries past its bound', async () => {
    const store = new MemoryRateLimitStore({ maxEntries: 2 })
    await store.hit('a', 60_000, T0)
    await store.hit('b', 60_000, T0)
    await store.hit('a', 60_000, T0)
    await store.hit('c', 60_000, T0)
    expect(store.size).toBe(2)
    expect(await store.hit('a', 60_000, T0)).toEqual({ current: 3, previous: 0 })
    expect(await store.hit('b', 60_000, T0)).toEqual({ current: 1, previous: 0 })
  })

  it('keeps the keys in their backoff while other entries can go, then drops the oldest of them', async () => {
    const store = new MemoryRateLimitStore({ maxEntries: 3 })
    for (let i = 0; i < 2; i++) await store.attempt('waiting', policy, T0)
    for (let i = 0; i < 2; i++) await store.attempt('waiting-too', policy, T0)
    await store.attempt('free', policy, T0)
    await store.hit('window', 60_000, T0)
    expect(store.size).toBe(3)
    expect(await store.attempt('waiting', policy, T0)).toMatchObject({ allowed: false, failures: 2 })
    expect(await store.attempt('free', policy, T0)).toMatchObject({ allowed: true, failures: 1 })

    // Only keys in their backoff are left to drop: the first placed goes.
    const full = new MemoryRateLimitStore({ maxEntries: 2 })
    for (let i = 0; i < 2; i++) await full.attempt('waiting', policy, T0)
    for (let i = 0; i < 2; i++) await full.attempt('waiting-too', policy, T0)
    await full.hit('window', 60_000, T0)
    expect(full.size).toBe(2)
    expect(await full.attempt('waiting-too', policy, T0)).toMatchObject({ allowed: false, failures: 2 })
    expect(await full.attempt('waiting', policy, T0)).toMatchObject({ allowed: true, failures: 1 })
  })

  it('moves a key out of its backoff when an attempt taken back leaves it free', async () => {
    const store = new MemoryRateLimitStore({ maxEntries: 2 })
    for (let i = 0; i < 2; i++) await store.attempt('waiting', policy, T0)
    await store.attempt('k', policy, T0)
    const second = await store.attempt('k', policy, T0)
    await store.release('k', second.undo!, policy, T0)
    // One free failure left: an ordinary entry again, dropped before the key that waits.
    await store.hit('window', 60_000, T0)
    expect(await store.attempt('waiting', policy, T0)).toMatchObject({ allowed: false, failures: 2 })
  })

  it('keeps a key in its backoff when an attempt taken back leaves it waiting', async () => {
    const store = new MemoryRateLimitStore({ maxEntries: 2 })
    const first = await store.attempt('k', policy, T0)
    await store.attempt('k', policy, T0)
    await store.attempt('k', policy, T0 + 1000)
    await store.release('k', first.undo!, policy, T0 + 1000)
    await store.hit('window', 60_000, T0 + 1000)
    await store.hit('another', 60_000, T0 + 1000)
    expect(await store.attempt('k', policy, T0 + 1000)).toEqual({ allowed: false, retryAfterMs: 1000, failures: 2 })
  })

  it('leaves a counter cleared and begun again alone when an older attempt is taken back', async () => {
    const store = new MemoryRateLimitStore()
    const old = await store.attempt('k', policy, T0)
    await store.clear('k')
    await store.attempt('k', policy, T0)
    await store.release('k', old.undo!, policy, T0)
    expect(await store.attempt('k', policy, T0)).toMatchObject({ failures: 2 })
  })

  it('deletes a counter whose every attempt is taken back, whatever the order', async () => {
    const store = new MemoryRateLimitStore()
    const first = await store.attempt('k', policy, T0)
    const second = await store.attempt('k', policy, T0)
    await store.release('k', first.undo!, policy, T0)
    await store.release('k', second.undo!, policy, T0)
    expect(store.size).toBe(0)
  })

  it('deletes a counter whose last attempt is taken back, and leaves an unknown key alone', async () => {
    const store = new MemoryRateLimitStore()
    const only = await store.attempt('k', policy, T0)
    await store.release('k', only.undo!, policy, T0)
    expect(store.size).toBe(0)
    await store.release('unknown', only.undo!, policy, T0)
    expect(store.size).toBe(0)
  })

  it('takes back an earlier attempt: one failure fewer, waiting from the last attempt as the rest would', async () => {
    const store = new MemoryRateLimitStore()
    const first = await store.attempt('k', policy, T0)
    await store.attempt('k', policy, T0) // two failures: waits until T0 + 1000
    expect((await store.attempt('k', policy, T0 + 1000)).failures).toBe(3) // waits until T0 + 3000
    await store.release('k', first.undo!, policy, T0 + 1000)
    // Two failures: 1 s from the last attempt (T0 + 1000), sooner than T0 + 3000.
    expect(await store.attempt('k', policy, T0 + 1999)).toEqual({ allowed: false, retryAfterMs: 1, failures: 2 })
    expect(await store.attempt('k', policy, T0 + 2000)).toMatchObject({ allowed: true, failures: 3 })
  })

  it('keeps the sooner wait when the last attempt was taken back before', async () => {
    const store = new MemoryRateLimitStore()
    const first = await store.attempt('k', policy, T0)
    await store.attempt('k', policy, T0) // waits until T0 + 1000
    const third = await store.attempt('k', policy, T0 + 5000)
    await store.release('k', third.undo!, policy, T0 + 5000) // back to waiting until T0 + 1000
    // One failure left, free: its wait ends at T0 + 1000 (not at the taken-back T0 + 5000),
    // so the counter is forgotten 10 s later, at T0 + 11 000.
    await store.release('k', first.undo!, policy, T0 + 5000)
    expect(await store.attempt('k', policy, T0 + 10_999)).toMatchObject({ failures: 2 })
    const again = new MemoryRateLimitStore()
    const one = await again.attempt('k', policy, T0)
    await again.attempt('k', policy, T0)
    const three = await again.attempt('k', policy, T0 + 5000)
    await again.release('k', three.undo!, policy, T0 + 5000)
    await again.release('k', one.undo!, policy, T0 + 5000)
    expect(await again.attempt('k', policy, T0 + 11_000)).toMatchObject({ failures: 1 })
  })

  it('drops a counter that an attempt taken back leaves expired', async () => {
    const store = new MemoryRateLimitStore()
    await store.attempt('k', policy, T0) // next attempt at once
    const second = await store.attempt('k', policy, T0 + 9000) // waits until T0 + 10 000, kept until T0 + 20 000
    // Taken back at T0 + 15 000: one failure, allowed since T0, forgotten since T0 + 10 000.
    await store.release('k', second.undo!, policy, T0 + 15_000)
    expect(store.size).toBe(0)
    const atExpiry = new MemoryRateLimitStore()
    await atExpiry.attempt('k', policy, T0)
    const last = await atExpiry.attempt('k', policy, T0 + 9000)
    await atExpiry.release('k', last.undo!, policy, T0 + 10_000)
    expect(atExpiry.size).toBe(0)
    const kept = new MemoryRateLimitStore()
    await kept.attempt('k', policy, T0)
    const again = await kept.attempt('k', policy, T0 + 9000)
    await kept.release('k', again.undo!, policy, T0 + 9999)
    expect(kept.size).toBe(1)
  })
})
