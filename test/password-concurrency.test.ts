import { describe, expect, it } from 'vitest'
import { PasswordHelper } from '../src/password.ts'

const LIGHT = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

describe('PasswordHelper concurrency', () => {
  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => new PasswordHelper({ ...LIGHT, concurrency: 0 })).toThrow(RangeError)
    expect(() => new PasswordHelper({ ...LIGHT, concurrency: 1.5 })).toThrow(RangeError)
  })

  it('queues hashes beyond its concurrency and completes every one, verifications and rehashes included', async () => {
    const passwords = new PasswordHelper({ ...LIGHT, concurrency: 1 })
    const older = new PasswordHelper({ ...LIGHT, timeCost: 2, concurrency: 1 })
    const stored = await Promise.all(Array.from({ length: 6 }, (_, i) => older.hash(`password-${i}`)))
    // A verification that needs a rehash takes a second slot after the first: with one slot,
    // holding the first while waiting for the second would never end.
    const results = await Promise.all(stored.map((hash, i) => passwords.verifyAndUpdate(`password-${i}`, hash)))
    expect(results.every((result) => result.verified && result.updatedHash !== null)).toBe(true)
    const wrong = await Promise.all(stored.map((hash) => passwords.verifyAndUpdate('wrong', hash)))
    expect(wrong.every((result) => !result.verified && result.updatedHash === null)).toBe(true)
  })

  it('keeps working after refusing a malformed hash', async () => {
    const passwords = new PasswordHelper({ ...LIGHT, concurrency: 1 })
    await expect(passwords.verifyAndUpdate('x', '$argon2id$v=19$m=1024,t=1,p=1$bad$bad')).rejects.toThrow()
    expect((await passwords.verifyAndUpdate('x', await passwords.hash('x'))).verified).toBe(true)
  })
})
