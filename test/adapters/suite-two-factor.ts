/**
 * The two-factor store contract (src/two-factor/store.ts), run on every adapter's store:
 * enrolment, enabling, single-use steps and recovery codes, generations, deletion.
 */
import { expect, it } from 'vitest'
import type { TwoFactorStore } from '../../src/two-factor/store.ts'

const USER = '0190a0f0-0000-7000-8000-000000000001'
const OTHER = '0190a0f0-0000-7000-8000-000000000002'

export function twoFactorStoreTests(store: () => TwoFactorStore): void {
  it('two-factor: a pending enrolment is replaced, an enabled one is not', async () => {
    const s = store()
    expect(await s.get(USER)).toBeNull()
    expect(await s.enrol(USER, 'v1.first')).toBe(true)
    expect(await s.enrol(USER, 'v1.second')).toBe(true)
    expect(await s.get(USER)).toEqual({ userId: USER, sealedSecret: 'v1.second', enabledAt: null, lastStep: 0, generation: 0 })
    expect(await s.enable(USER, 'v1.first', 100, 1_700_000_000)).toBe(false)
    expect(await s.enable(USER, 'v1.second', 100, 1_700_000_000)).toBe(true)
    expect(await s.enable(USER, 'v1.second', 101, 1_700_000_000)).toBe(false)
    expect(await s.get(USER)).toEqual({ userId: USER, sealedSecret: 'v1.second', enabledAt: 1_700_000_000, lastStep: 100, generation: 1 })
    expect(await s.enrol(USER, 'v1.third')).toBe(false)
    expect((await s.get(USER))!.sealedSecret).toBe('v1.second')
    expect(await s.get(OTHER)).toBeNull()
  })

  it('two-factor: a step is used once, only later steps count, and the generation must match', async () => {
    const s = store()
    await s.enrol(USER, 'v1.secret')
    expect(await s.useStep(USER, 0, 200)).toBe(false)
    await s.enable(USER, 'v1.secret', 100, 1_700_000_000)
    expect(await s.useStep(USER, 1, 100)).toBe(false)
    expect(await s.useStep(USER, 0, 101)).toBe(false)
    expect(await s.useStep(USER, 1, 101)).toBe(true)
    expect(await s.useStep(USER, 2, 101)).toBe(false)
    expect(await s.useStep(USER, 1, 102)).toBe(false)
    expect(await s.get(USER)).toMatchObject({ lastStep: 101, generation: 2 })
  })

  it('two-factor: concurrent uses of one step: exactly one wins', async () => {
    const s = store()
    await s.enrol(USER, 'v1.secret')
    await s.enable(USER, 'v1.secret', 100, 1_700_000_000)
    const results = await Promise.all(Array.from({ length: 5 }, () => s.useStep(USER, 1, 101)))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('two-factor: recovery codes are single-use, replaced as a whole and counted', async () => {
    const s = store()
    await s.enrol(USER, 'v1.secret')
    await s.enable(USER, 'v1.secret', 100, 1_700_000_000)
    await s.replaceRecoveryCodes(USER, ['hash-a', 'hash-b', 'hash-c'])
    expect(await s.countRecoveryCodes(USER)).toBe(3)
    expect(await s.useRecoveryCode(USER, 1, 'hash-x')).toBe(false)
    expect(await s.useRecoveryCode(USER, 0, 'hash-a')).toBe(false)
    expect(await s.useRecoveryCode(USER, 1, 'hash-a')).toBe(true)
    expect(await s.useRecoveryCode(USER, 2, 'hash-a')).toBe(false)
    expect(await s.countRecoveryCodes(USER)).toBe(2)
    expect(await s.get(USER)).toMatchObject({ generation: 2 })
    await s.replaceRecoveryCodes(USER, ['hash-d'])
    expect(await s.useRecoveryCode(USER, 2, 'hash-b')).toBe(false)
    expect(await s.useRecoveryCode(USER, 2, 'hash-d')).toBe(true)
    expect(await s.countRecoveryCodes(USER)).toBe(0)
    expect(await s.countRecoveryCodes(OTHER)).toBe(0)
  })

  it('two-factor: delete forgets the record and the codes', async () => {
    const s = store()
    await s.enrol(USER, 'v1.secret')
    await s.enable(USER, 'v1.secret', 100, 1_700_000_000)
    await s.replaceRecoveryCodes(USER, ['hash-a'])
    await s.delete(USER)
    expect(await s.get(USER)).toBeNull()
    expect(await s.countRecoveryCodes(USER)).toBe(0)
    expect(await s.enrol(USER, 'v1.again')).toBe(true)
  })
}
