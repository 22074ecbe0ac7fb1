/**
 * The cap on hashes handed to the libuv pool at once (src/password.ts): the native hash and
 * verify functions are wrapped to count the calls in flight, and a burst of hashes,
 * verifications and rehashes never has more than `concurrency` of them running.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'

const flight = vi.hoisted(() => ({ now: 0, max: 0, started: 0 }))

async function counted<T>(job: () => Promise<T>): Promise<T> {
  flight.started++
  flight.now++
  flight.max = Math.max(flight.max, flight.now)
  try {
    // Hold the slot over a few turns of the event loop, so that uncapped calls would overlap.
    await new Promise((resolve) => setTimeout(resolve, 5))
    return await job()
  } finally {
    flight.now--
  }
}

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>()
  return {
    ...original,
    hash: (...args: Parameters<typeof original.hash>) => counted(() => original.hash(...args)),
    verify: (...args: Parameters<typeof original.verify>) => counted(() => original.verify(...args)),
  }
})
vi.mock('@node-rs/bcrypt', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/bcrypt')>()
  return { ...original, verify: (...args: Parameters<typeof original.verify>) => counted(() => original.verify(...args)) }
})

const { PasswordHelper } = await import('../src/password.ts')
const { hash: bcryptHash } = await import('@node-rs/bcrypt')

const LIGHT = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

beforeEach(() => {
  flight.now = flight.max = flight.started = 0
})

describe('PasswordHelper in-flight cap', () => {
  it.each([1, 2, 3])('runs at most %i hashes at once under a burst of 12', async (concurrency) => {
    const passwords = new PasswordHelper({ ...LIGHT, concurrency })
    const hashes = await Promise.all(Array.from({ length: 12 }, (_, i) => passwords.hash(`password-${i}`)))
    expect(hashes).toHaveLength(12)
    expect(flight.started).toBe(12)
    expect(flight.max).toBe(concurrency)
  })

  it('caps verifications, bcrypt ones and the rehashes they trigger alike', async () => {
    const passwords = new PasswordHelper({ ...LIGHT, concurrency: 2 })
    const older = new PasswordHelper({ ...LIGHT, timeCost: 2, concurrency: 8 })
    const stored = [
      ...(await Promise.all(Array.from({ length: 4 }, (_, i) => older.hash(`password-${i}`)))),
      ...(await Promise.all(Array.from({ length: 4 }, (_, i) => bcryptHash(`password-${i + 4}`, 4)))),
    ]
    flight.now = flight.max = flight.started = 0
    const results = await Promise.all(stored.map((hash, i) => passwords.verifyAndUpdate(`password-${i}`, hash)))
    expect(results.every((result) => result.verified && result.updatedHash !== null)).toBe(true)
    // 8 verifications and 8 rehashes.
    expect(flight.started).toBe(16)
    expect(flight.max).toBe(2)
  })

  it('verifies a wrong password once, twice when it is not in NFKC form (the raw text, for a legacy hash)', async () => {
    const passwords = new PasswordHelper({ ...LIGHT, concurrency: 2 })
    const stored = await passwords.hash('right-password')
    flight.started = 0
    expect((await passwords.verifyAndUpdate('wrong-password', stored)).verified).toBe(false)
    expect(flight.started).toBe(1)
    expect((await passwords.verifyAndUpdate('\ufb01sh-password', stored)).verified).toBe(false)
    expect(flight.started).toBe(3)
  })

  it('shares one queue between helpers without their own concurrency', async () => {
    const a = new PasswordHelper(LIGHT)
    const b = new PasswordHelper(LIGHT)
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).hash(`password-${i}`)))
    expect(flight.started).toBe(16)
    const { availableParallelism } = await import('node:os')
    const pool = Number(process.env['UV_THREADPOOL_SIZE'])
    const poolSize = Number.isInteger(pool) && pool >= 1 ? Math.min(pool, 1024) : 4
    expect(flight.max).toBe(Math.max(1, Math.min(availableParallelism(), poolSize)))
  })
})
