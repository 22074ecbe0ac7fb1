/**
 * The edges of PasswordHelper's configuration and of the bcrypt costs it recognises: each
 * limit is accepted exactly at its value and refused one step past it.
 */
import { hash as bcryptHash } from '@node-rs/bcrypt'
import { describe, expect, it } from 'vitest'
import { UnknownHashError } from '../src/errors.ts'
import { PasswordHelper } from '../src/password.ts'

describe('PasswordHelper boundaries', () => {
  it('takes argon2 parameters up to their limits and refuses one past them', () => {
    expect(new PasswordHelper({ parallelism: 255, memoryCost: 8 * 255 }).parameters.parallelism).toBe(255)
    expect(() => new PasswordHelper({ parallelism: 256, memoryCost: 8 * 256 })).toThrow(/parallelism/)
    expect(new PasswordHelper({ parallelism: 2, memoryCost: 16 }).parameters.memoryCost).toBe(16)
    expect(() => new PasswordHelper({ parallelism: 2, memoryCost: 15 })).toThrow(/memoryCost/)
    expect(() => new PasswordHelper({ memoryCost: 1024.5 })).toThrow(/memoryCost/)
    expect(new PasswordHelper({ timeCost: 1 }).parameters.timeCost).toBe(1)
    expect(() => new PasswordHelper({ timeCost: 0 })).toThrow(/timeCost/)
    expect(new PasswordHelper({ timeCost: 2 ** 32 - 1 }).parameters.timeCost).toBe(2 ** 32 - 1)
    expect(() => new PasswordHelper({ timeCost: 2 ** 32 })).toThrow(/timeCost/)
    expect(new PasswordHelper({ memoryCost: 2 ** 32 - 1 }).parameters.memoryCost).toBe(2 ** 32 - 1)
    expect(() => new PasswordHelper({ memoryCost: 2 ** 32 })).toThrow(/memoryCost/)
    expect(() => new PasswordHelper({ parallelism: 1.5 })).toThrow(/parallelism/)
  })

  it('ignores options other than the argon2 parameters and concurrency', () => {
    const helper = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1, secret: 'x' } as never)
    expect(helper.parameters).toEqual({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
    expect(Object.isFrozen(helper.parameters)).toBe(true)
  })

  it('takes a concurrency of 1 or more whole hashes', () => {
    expect(() => new PasswordHelper({ concurrency: 1 })).not.toThrow()
    expect(() => new PasswordHelper({ concurrency: -1 })).toThrow(/concurrency/)
    expect(() => new PasswordHelper({ concurrency: Number.NaN })).toThrow(/concurrency/)
  })

  it('verifies bcrypt from cost 04 and refuses cost 03 as unknown', async () => {
    const helper = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
    const cost4 = await bcryptHash('right', 4)
    expect(cost4.startsWith('$2b$04$')).toBe(true)
    expect(await helper.verifyAndUpdate('wrong', cost4)).toEqual({ verified: false, updatedHash: null })
    expect((await helper.verifyAndUpdate('right', cost4)).verified).toBe(true)
    await expect(helper.verifyAndUpdate('right', cost4.replace('$04$', '$03$'))).rejects.toBeInstanceOf(UnknownHashError)
    await expect(helper.verifyAndUpdate('right', cost4.replace('$04$', '$32$'))).rejects.toBeInstanceOf(UnknownHashError)
    // One character short or long of pwdlib's 60 is not bcrypt.
    await expect(helper.verifyAndUpdate('right', cost4.slice(0, -1))).rejects.toBeInstanceOf(UnknownHashError)
    await expect(helper.verifyAndUpdate('right', `${cost4}A`)).rejects.toBeInstanceOf(UnknownHashError)
    await expect(helper.verifyAndUpdate('right', `x${cost4}`)).rejects.toBeInstanceOf(UnknownHashError)
  })
})
