/**
 * The two-factor core (src/two-factor/) on the memory store with a hand-moved clock: enrolment,
 * confirmation, login challenges, and each refusal (wrong, reused, expired, throttled, another
 * audience or backend), recovery codes, and the secret sealed at rest.
 */
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { beforeEach, describe, expect, it } from 'vitest'
import { signJwt } from '../../src/jwt/sign.ts'
import { importJwtKeys } from '../../src/jwt/keys.ts'
import { TooManyRequestsError } from '../../src/errors.ts'
import { MemoryTwoFactorStore } from '../../src/two-factor/memory-store.ts'
import { TwoFactorError } from '../../src/two-factor/errors.ts'
import { deriveTwoFactorKeys, TwoFactorKeyError } from '../../src/two-factor/keys.ts'
import { openSecret } from '../../src/two-factor/secret-box.ts'
import { totpCode, totpStep } from '../../src/two-factor/totp.ts'
import { TWO_FACTOR_CHALLENGE_AUDIENCE, TwoFactor } from '../../src/two-factor/two-factor.ts'
import type { UserRecord } from '../../src/user.ts'
import { FAST_HASHING } from '../support/app.ts'

const KEY = 'two-factor-test-key-that-is-at-least-32-bytes'
const START = 1_800_000_000_000

interface Setup {
  twoFactor: TwoFactor
  store: MemoryTwoFactorStore
  user: UserRecord
  users: { get(id: string): Promise<UserRecord | null> }
  clock: { now: number }
  secret: Uint8Array
  /** The code an authenticator shows now, `offset` steps away. */
  code(offset?: number): string
}

async function setup(options: { enable?: boolean } = {}): Promise<Setup & { recoveryCodes: string[] }> {
  const clock = { now: START }
  const store = new MemoryTwoFactorStore()
  const twoFactor = new TwoFactor({ store, encryptionKey: KEY, issuer: 'Example', now: () => clock.now }, FAST_HASHING)
  const user: UserRecord = {
    id: '0190a0f0-0000-7000-8000-0000000000aa',
    email: 'alice@example.com',
    hashed_password: await FAST_HASHING.hash('correct horse battery'),
    is_active: true,
    is_superuser: false,
    is_verified: true,
  }
  const users = { get: async (id: string) => (id === user.id ? user : null) }
  const enrolment = await twoFactor.enrol(user)
  const secret = decodeBase32IgnorePadding(enrolment.secret)
  const code = (offset = 0) => totpCode(secret, totpStep(clock.now / 1000) + offset)
  const recoveryCodes = options.enable === false ? [] : await twoFactor.confirm(user, code())
  // The confirming code's step is used up: the tests start one step later.
  clock.now += 30_000
  return { twoFactor, store, user, users, clock, secret, code, recoveryCodes }
}

/** A well-formed code that is not `right`. */
function wrongCode(right: string): string {
  return right === '123456' ? '654321' : '123456'
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e)
  if (error instanceof TwoFactorError) return error.code
  if (error instanceof TooManyRequestsError) return 'TOO_MANY_REQUESTS'
  throw new Error(`expected a refusal, got ${String(error)}`)
}

describe('two-factor enrolment', () => {
  it('answers an otpauth URI, a QR code as an SVG data URL, and the secret', async () => {
    const store = new MemoryTwoFactorStore()
    const twoFactor = new TwoFactor({ store, encryptionKey: KEY, issuer: 'Example' }, FAST_HASHING)
    const user = (await setup()).user
    const enrolment = await twoFactor.enrol(user)
    expect(enrolment.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Example:alice%40example\.com\?/)
    expect(enrolment.otpauth_uri).toContain(`secret=${enrolment.secret}`)
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(enrolment.qr_code.startsWith('data:image/svg+xml;base64,')).toBe(true)
    expect(Buffer.from(enrolment.qr_code.split(',')[1]!, 'base64').toString()).toContain('<svg')
    expect(await twoFactor.status(user)).toEqual({ enabled: false, recovery_codes_left: 0 })
  })

  it('stores the secret sealed for its user only', async () => {
    const { store, user, secret } = await setup()
    const record = (await store.get(user.id))!
    expect(record.sealedSecret).toMatch(/^v1\./)
    expect(record.sealedSecret).not.toContain(Buffer.from(secret).toString('base64url'))
    const keys = deriveTwoFactorKeys(KEY)
    expect(openSecret(record.sealedSecret, user.id, keys.sealing)).toEqual(secret)
    expect(openSecret(record.sealedSecret, 'another-user', keys.sealing)).toBeNull()
    expect(openSecret(record.sealedSecret, user.id, deriveTwoFactorKeys(`${KEY}-other`).sealing)).toBeNull()
  })

  it('refuses a short encryption key at start-up', () => {
    expect(() => new TwoFactor({ store: new MemoryTwoFactorStore(), encryptionKey: 'short', issuer: 'x' }, FAST_HASHING)).toThrow(TwoFactorKeyError)
  })

  it('confirms with a first code only, then answers ten distinct recovery codes', async () => {
    const { twoFactor, user, code } = await setup({ enable: false })
    expect(await refusal(twoFactor.confirm(user, wrongCode(code())))).toBe('TWO_FACTOR_BAD_CODE')
    expect(await twoFactor.isEnabled(user)).toBe(false)
    const codes = await twoFactor.confirm(user, code())
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/)
    expect(await twoFactor.status(user)).toEqual({ enabled: true, recovery_codes_left: 10 })
    expect(await refusal(twoFactor.confirm(user, code()))).toBe('TWO_FACTOR_ALREADY_ENABLED')
    expect(await refusal(twoFactor.enrol(user))).toBe('TWO_FACTOR_ALREADY_ENABLED')
  })

  it('disables and regenerates only with the current password', async () => {
    const { twoFactor, user } = await setup()
    expect(await refusal(twoFactor.regenerateRecoveryCodes(user, 'wrong password'))).toBe('TWO_FACTOR_INVALID_PASSWORD')
    const fresh = await twoFactor.regenerateRecoveryCodes(user, 'correct horse battery')
    expect(fresh).toHaveLength(10)
    expect(await refusal(twoFactor.disable(user, 'wrong password'))).toBe('TWO_FACTOR_INVALID_PASSWORD')
    expect(await twoFactor.isEnabled(user)).toBe(true)
    await twoFactor.disable(user, 'correct horse battery')
    expect(await twoFactor.isEnabled(user)).toBe(false)
    expect(await refusal(twoFactor.disable(user, 'correct horse battery'))).toBe('TWO_FACTOR_NOT_ENABLED')
  })
})

describe('two-factor login challenges', () => {
  let s: Setup & { recoveryCodes: string[] }
  beforeEach(async () => {
    s = await setup()
  })

  it('a challenge and the current code complete the login once', async () => {
    const { challenge_token, expires_in } = await s.twoFactor.challenge(s.user, 'jwt')
    expect(expires_in).toBe(300)
    expect((await s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users)).id).toBe(s.user.id)
    // The challenge is spent (its generation moved on), even with a fresh code.
    s.clock.now += 30_000
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
  })

  it('refuses a reused code, even in a new challenge', async () => {
    const first = await s.twoFactor.challenge(s.user, 'jwt')
    const code = s.code()
    await s.twoFactor.verify(first.challenge_token, code, 'jwt', s.users)
    const second = await s.twoFactor.challenge(s.user, 'jwt')
    expect(await refusal(s.twoFactor.verify(second.challenge_token, code, 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    // Nor the previous step's code, once a later step was used.
    expect(await refusal(s.twoFactor.verify(second.challenge_token, s.code(-1), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
  })

  it('accepts one step of clock skew either way, not two', async () => {
    const { challenge_token } = await s.twoFactor.challenge(s.user, 'jwt')
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(2), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(-2), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    await s.twoFactor.verify(challenge_token, s.code(1), 'jwt', s.users)
    // A minute on, the step used ahead of time is the previous one: used up, while the current one works.
    s.clock.now += 60_000
    const next = await s.twoFactor.challenge(s.user, 'jwt')
    expect(await refusal(s.twoFactor.verify(next.challenge_token, s.code(-1), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    await s.twoFactor.verify(next.challenge_token, s.code(), 'jwt', s.users)
  })

  it('refuses a wrong code, an expired challenge, another backend and another audience', async () => {
    const { challenge_token } = await s.twoFactor.challenge(s.user, 'jwt')
    const wrong = wrongCode(s.code())
    expect(await refusal(s.twoFactor.verify(challenge_token, wrong, 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    expect(await refusal(s.twoFactor.verify(challenge_token, 'not-a-code', 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(), 'cookie', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
    const keys = deriveTwoFactorKeys(KEY).challenges
    const otherAudience = await signJwt({ sub: s.user.id, backend: 'jwt', gen: 1 }, keys, { audience: 'fastapi-users:auth', lifetimeSeconds: 300 })
    expect(await refusal(s.twoFactor.verify(otherAudience, s.code(), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
    const otherKey = await signJwt({ sub: s.user.id, backend: 'jwt', gen: 1 }, importJwtKeys({ secret: KEY }), {
      audience: TWO_FACTOR_CHALLENGE_AUDIENCE, lifetimeSeconds: 300,
    })
    expect(await refusal(s.twoFactor.verify(otherKey, s.code(), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
    const expired = await signJwt({ sub: s.user.id, backend: 'jwt', gen: 1 }, keys, { audience: TWO_FACTOR_CHALLENGE_AUDIENCE, lifetimeSeconds: -1 })
    expect(await refusal(s.twoFactor.verify(expired, s.code(), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
    // The right code on the right challenge still works after all that.
    await s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users)
  })

  it('throttles wrong codes per user, and a success clears the count', async () => {
    const { challenge_token } = await s.twoFactor.challenge(s.user, 'jwt')
    const wrong = wrongCode(s.code())
    // Four failures cost nothing; the fifth schedules a one-second wait, which even the right code must sit out.
    for (let i = 0; i < 5; i++) expect(await refusal(s.twoFactor.verify(challenge_token, wrong, 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users))).toBe('TOO_MANY_REQUESTS')
    s.clock.now += 2_000
    await s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users)
    const next = await s.twoFactor.challenge(s.user, 'jwt')
    expect(await refusal(s.twoFactor.verify(next.challenge_token, wrong, 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
  })

  it('takes each recovery code once, in any case and spacing', async () => {
    const [first, second] = s.recoveryCodes as [string, string]
    const one = await s.twoFactor.challenge(s.user, 'jwt')
    await s.twoFactor.verify(one.challenge_token, ` ${first.toUpperCase()} `, 'jwt', s.users)
    const two = await s.twoFactor.challenge(s.user, 'jwt')
    expect(await refusal(s.twoFactor.verify(two.challenge_token, first, 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    await s.twoFactor.verify(two.challenge_token, second.replace('-', ''), 'jwt', s.users)
    expect(await s.twoFactor.status(s.user)).toEqual({ enabled: true, recovery_codes_left: 8 })
  })

  it('regenerated recovery codes replace the old ones', async () => {
    const fresh = await s.twoFactor.regenerateRecoveryCodes(s.user, 'correct horse battery')
    const { challenge_token } = await s.twoFactor.challenge(s.user, 'jwt')
    expect(await refusal(s.twoFactor.verify(challenge_token, s.recoveryCodes[0]!, 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CODE')
    await s.twoFactor.verify(challenge_token, fresh[0]!, 'jwt', s.users)
  })

  it('refuses the challenge of a user who turned two-factor off or was deactivated', async () => {
    const { challenge_token } = await s.twoFactor.challenge(s.user, 'jwt')
    s.user.is_active = false
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
    s.user.is_active = true
    await s.twoFactor.disable(s.user, 'correct horse battery')
    expect(await refusal(s.twoFactor.verify(challenge_token, s.code(), 'jwt', s.users))).toBe('TWO_FACTOR_BAD_CHALLENGE')
  })
})
