/**
 * The login throttle on its own (src/security/login-throttle.ts), over the memory store and
 * real device proofs, on a set clock: its defaults, the account key (folded, NFKC), trusted
 * devices and the loss of their trust, what success, abandon and a password reset do to the
 * counts, and when an attempt is a lockout.
 */
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BackoffPolicy } from '../../src/security/backoff.ts'
import { DeviceProofs } from '../../src/security/device-proof.ts'
import { DEFAULT_DEVICE_BACKOFF, DEFAULT_LOGIN_BACKOFF, LoginThrottle } from '../../src/security/login-throttle.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'

const ACCOUNT: BackoffPolicy = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 4000, maxFailures: 5, lockoutMs: 60_000, forgetAfterMs: 3_600_000 }
const DEVICE: BackoffPolicy = { freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 1000, maxFailures: 3, lockoutMs: 30_000, forgetAfterMs: 10_000 }
const EMAIL = 'king.arthur@camelot.bt'
const accountHash = (email: string) => createHash('sha256').update(email).digest('base64url')

function setup(options: { devices?: boolean } = {}) {
  const clock = { now: 1_800_000_000_000 }
  const devices = options.devices === false ? undefined : new DeviceProofs({ secret: 'login-throttle-test-secret-32-chars!', now: () => clock.now })
  const throttle = new LoginThrottle({ store: new MemoryRateLimitStore(), policy: ACCOUNT, devicePolicy: DEVICE, devices, now: () => clock.now })
  return { clock, throttle, devices }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('LoginThrottle defaults', () => {
  it('waits after ten free failures, doubling from 1 s to 15 min, and locks out for a day at the 100th', () => {
    expect(DEFAULT_LOGIN_BACKOFF).toEqual({
      freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 900_000, maxFailures: 100, lockoutMs: 86_400_000, forgetAfterMs: 86_400_000,
    })
    expect(DEFAULT_DEVICE_BACKOFF).toEqual({
      freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 60_000, maxFailures: 20, lockoutMs: 86_400_000, forgetAfterMs: 86_400_000,
    })
    expect(Object.isFrozen(DEFAULT_LOGIN_BACKOFF)).toBe(true)
    expect(Object.isFrozen(DEFAULT_DEVICE_BACKOFF)).toBe(true)
  })

  it('uses the defaults where the options leave a value out, and the process clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_000_000)
    const throttle = new LoginThrottle({ store: new MemoryRateLimitStore(), policy: { freeFailures: 1 }, devicePolicy: { maxFailures: 2 } })
    expect(throttle.policy).toEqual({ ...DEFAULT_LOGIN_BACKOFF, freeFailures: 1 })
    expect(throttle.devicePolicy).toEqual({ ...DEFAULT_DEVICE_BACKOFF, maxFailures: 2 })
    expect(Object.isFrozen(throttle.policy) && Object.isFrozen(throttle.devicePolicy)).toBe(true)
    expect(throttle.devices).toBeNull()
    await throttle.attempt(EMAIL)
    vi.setSystemTime(1_700_000_000_400)
    expect(await throttle.attempt(EMAIL)).toMatchObject({ allowed: false, retryAfterMs: 600 })
    const plain = new LoginThrottle({ store: new MemoryRateLimitStore() })
    expect(plain.policy).toEqual(DEFAULT_LOGIN_BACKOFF)
    expect(plain.devicePolicy).toEqual(DEFAULT_DEVICE_BACKOFF)
  })
})

describe('LoginThrottle', () => {
  it('counts an untrusted attempt on the account key, folded as the database compares emails and NFKC-normalized', async () => {
    const { throttle } = setup()
    const first = await throttle.attempt('King.Arthur@Camelot.BT')
    expect(first).toEqual({
      allowed: true, retryAfterMs: 0, trusted: false, failures: 1, email: 'King.Arthur@Camelot.BT',
      key: `login:${accountHash(EMAIL)}`, undo: expect.objectContaining({ failures: 1 }),
    })
    expect((await throttle.attempt('ｋing.arthur@camelot.bt')).failures).toBe(2)
    expect((await throttle.attempt(EMAIL)).failures).toBe(3)
    expect((await throttle.attempt('lancelot@camelot.bt')).failures).toBe(1)
  })

  it('refuses an attempt while its account must wait, without counting it', async () => {
    const { clock, throttle } = setup()
    for (let i = 0; i < 3; i++) await throttle.attempt(EMAIL)
    const refused = await throttle.attempt(EMAIL)
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1000, trusted: false, failures: 3, undo: undefined })
    clock.now += 1000
    expect(await throttle.attempt(EMAIL)).toMatchObject({ allowed: true, failures: 4 })
  })

  it('counts an attempt with a valid proof for the account on its device, apart from the account', async () => {
    const { clock, throttle, devices } = setup()
    const proof = devices!.issue(EMAIL)
    const deviceId = proof.split('.')[1]
    for (let i = 0; i < 5; i++) {
      clock.now += 10_000
      await throttle.attempt(EMAIL)
    }
    expect(await throttle.attempt(EMAIL)).toMatchObject({ allowed: false, retryAfterMs: 60_000, failures: 5 })
    const trusted = await throttle.attempt('King.Arthur@camelot.bt', proof)
    expect(trusted).toEqual({
      allowed: true, retryAfterMs: 0, trusted: true, failures: 1, email: 'King.Arthur@camelot.bt',
      key: `login-device:${accountHash(EMAIL)}:${deviceId}`, undo: expect.objectContaining({ failures: 1 }),
    })
    // A proof of another account, or one presented where devices are off, is untrusted.
    expect(await throttle.attempt('lancelot@camelot.bt', proof)).toMatchObject({ trusted: false, failures: 1 })
    expect(await throttle.attempt('lancelot@camelot.bt', '')).toMatchObject({ trusted: false, failures: 2 })
    const off = setup({ devices: false }).throttle
    expect(await off.attempt(EMAIL, proof)).toMatchObject({ trusted: false, failures: 1 })
    expect(off.devices).toBeNull()
  })

  it('refuses a device while it must wait, still trusted, and takes its trust away at its lockout', async () => {
    const { clock, throttle, devices } = setup()
    const proof = devices!.issue(EMAIL)
    await throttle.attempt(EMAIL, proof)
    await throttle.attempt(EMAIL, proof)
    expect(await throttle.attempt(EMAIL, proof)).toMatchObject({ allowed: false, trusted: true, retryAfterMs: 1000, failures: 2 })
    clock.now += 1000
    const third = await throttle.attempt(EMAIL, proof)
    expect(third).toMatchObject({ allowed: true, trusted: true, failures: 3 })
    expect(throttle.lockoutOf(third)).toBeNull()
    // Locked out now: its attempts count on the account, as untrusted ones.
    expect(await throttle.attempt(EMAIL, proof)).toMatchObject({ allowed: true, trusted: false, failures: 1, key: `login:${accountHash(EMAIL)}` })
  })

  it('forgets the counter of a successful attempt, only that one, and hands out a fresh proof', async () => {
    const { throttle, devices } = setup()
    const proof = devices!.issue(EMAIL)
    await throttle.attempt(EMAIL)
    await throttle.attempt(EMAIL, proof)
    const trusted = await throttle.attempt(EMAIL, proof)
    const fresh = await throttle.succeeded(trusted)
    expect(devices!.verify(fresh!, EMAIL)).not.toBeNull()
    expect(fresh).not.toBe(proof)
    expect((await throttle.attempt(EMAIL, proof)).failures).toBe(1)
    const untrusted = await throttle.attempt(EMAIL)
    expect(untrusted.failures).toBe(2)
    await throttle.succeeded(untrusted)
    expect((await throttle.attempt(EMAIL)).failures).toBe(1)
    const off = setup({ devices: false }).throttle
    expect(await off.succeeded(await off.attempt(EMAIL))).toBeNull()
  })

  it('takes an abandoned attempt back, and does nothing for a refused one', async () => {
    const { throttle } = setup()
    for (let i = 0; i < 3; i++) await throttle.attempt(EMAIL)
    const refused = await throttle.attempt(EMAIL)
    await throttle.abandoned(refused)
    expect(await throttle.attempt(EMAIL)).toMatchObject({ allowed: false, failures: 3 })
    const other = await throttle.attempt('lancelot@camelot.bt')
    await throttle.abandoned(other)
    expect((await throttle.attempt('lancelot@camelot.bt')).failures).toBe(1)
  })

  it('takes an abandoned attempt back under its own counter’s schedule', async () => {
    // Two attempts, the first abandoned: what remains expires `forgetAfterMs` after it under
    // the schedule of its counter (10 s for a device, an hour for the account).
    const { clock, throttle, devices } = setup()
    const proof = devices!.issue(EMAIL)
    const device = await throttle.attempt(EMAIL, proof)
    await throttle.attempt(EMAIL, proof)
    await throttle.abandoned(device)
    const account = await throttle.attempt(EMAIL)
    await throttle.attempt(EMAIL)
    await throttle.abandoned(account)
    clock.now += 20_000
    expect(await throttle.attempt(EMAIL, proof)).toMatchObject({ trusted: true, failures: 1 })
    expect(await throttle.attempt(EMAIL)).toMatchObject({ trusted: false, failures: 2 })
  })

  it('calls an untrusted attempt at maxFailures a lockout, for lockoutMs', async () => {
    const { clock, throttle } = setup()
    const attempts = []
    for (let i = 0; i < 5; i++) {
      attempts.push(await throttle.attempt(EMAIL))
      clock.now += 10_000
    }
    expect(attempts.map((attempt) => throttle.lockoutOf(attempt))).toEqual([null, null, null, null, 60_000])
    expect(throttle.lockoutOf({ ...attempts[4]!, trusted: true })).toBeNull()
  })

  it('forgets the account’s untrusted failures at a password reset, under any spelling of its email', async () => {
    const { throttle, devices } = setup()
    const proof = devices!.issue(EMAIL)
    await throttle.attempt(EMAIL)
    await throttle.attempt(EMAIL)
    await throttle.attempt(EMAIL, proof)
    await throttle.forget('KING.ARTHUR@camelot.bt')
    expect((await throttle.attempt(EMAIL)).failures).toBe(1)
    expect((await throttle.attempt(EMAIL, proof)).failures).toBe(2)
  })
})
