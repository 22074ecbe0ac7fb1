/**
 * Password changes that race (DESIGN.md: consuming a single-use token is one database
 * operation). The hasher holds each request at a gate after its slow step, so that every racing
 * request has passed its checks against the same stored hash before any of them writes: the
 * race is then certain, not a matter of timing, and only the adapter's compare-and-set decides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PasswordHelper, type PasswordHasher } from '../../src/index.ts'
import { buildTestApp, FAST_HASHING, form, type TestApp } from '../support/app.ts'

/** Resolves for everyone once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return () => {
    arrived++
    if (arrived === parties) open()
    return opened
  }
}

/** FAST_HASHING, with a gate after hashing and after verifying while one is set. */
class GatedHasher implements PasswordHasher {
  afterHash: (() => Promise<void>) | null = null
  afterVerify: (() => Promise<void>) | null = null

  async hash(password: string): Promise<string> {
    const hash = await FAST_HASHING.hash(password)
    await this.afterHash?.()
    return hash
  }

  async verifyAndUpdate(password: string, hash: string): Promise<{ verified: boolean; updatedHash: string | null }> {
    const result = await FAST_HASHING.verifyAndUpdate(password, hash)
    await this.afterVerify?.()
    return result
  }

  generate(): string {
    return FAST_HASHING.generate()
  }
}

/** Hashes with other argon2id parameters, which a login replaces with FAST_HASHING's. */
const OLD_PARAMETERS = new PasswordHelper({ memoryCost: 2048, timeCost: 1, parallelism: 1 })

describe('racing password changes', () => {
  const hasher = new GatedHasher()
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ manager: { passwordHelper: hasher } })
  })
  afterAll(() => t.close())

  const reset = (token: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token, password } })
  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username, password }) })

  async function requestReset(email: string): Promise<string> {
    const before = t.callsOf('onAfterForgotPassword').length
    await t.app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })
    return (await t.waitForHook('onAfterForgotPassword', before)).args[1] as string
  }

  it('lets exactly one of several concurrent resets with one token through, and only its password in', async () => {
    const { user, password: oldPassword } = await t.createUser()
    const token = await requestReset(user.email)
    const passwords = Array.from({ length: 8 }, (_, i) => `racing-new-password-${i}`)
    const resetsBefore = t.callsOf('onAfterResetPassword').length
    hasher.afterHash = barrier(passwords.length)
    const responses = await Promise.all(passwords.map((password) => reset(token, password))).finally(() => {
      hasher.afterHash = null
    })

    const winners = responses.flatMap((res, i) => (res.statusCode === 200 ? [i] : []))
    expect(winners).toHaveLength(1)
    for (const res of responses.filter((res) => res.statusCode !== 200)) {
      expect(res.statusCode).toBe(400)
      expect(res.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
    }
    const winner = passwords[winners[0]!]!
    expect((await login(user.email, winner)).statusCode).toBe(200)
    for (const password of [oldPassword, ...passwords.filter((password) => password !== winner)]) {
      expect((await login(user.email, password)).json(), password).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    }
    expect(t.callsOf('onAfterResetPassword')).toHaveLength(resetsBefore + 1)
    // The token is used up.
    expect((await reset(token, 'yet-another-password')).json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
  })

  it('does not let a login put back the old password that a reset replaced meanwhile', async () => {
    const { user, password: oldPassword } = await t.createUser()
    await t.store.users.update(user, { hashed_password: await OLD_PARAMETERS.hash(oldPassword) })
    const token = await requestReset(user.email)
    // The login has verified the old password and made its new hash; it waits while the reset runs.
    let reachedGate: () => void = () => {}
    const atGate = new Promise<void>((resolve) => {
      reachedGate = resolve
    })
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    hasher.afterVerify = () => {
      reachedGate()
      return released
    }
    const pending = login(user.email, oldPassword)
    await atGate
    hasher.afterVerify = null
    expect((await reset(token, 'the-password-after-reset')).statusCode).toBe(200)
    release()

    expect((await pending).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    expect((await login(user.email, 'the-password-after-reset')).statusCode).toBe(200)
    expect((await login(user.email, oldPassword)).statusCode).toBe(400)
  })

  it('lets concurrent logins in whose rehashes race each other', async () => {
    const { user, password } = await t.createUser()
    const oldHash = await OLD_PARAMETERS.hash(password)
    await t.store.users.update(user, { hashed_password: oldHash })
    hasher.afterVerify = barrier(2)
    const responses = await Promise.all([login(user.email, password), login(user.email, password)]).finally(() => {
      hasher.afterVerify = null
    })
    expect(responses.map((res) => res.statusCode)).toEqual([200, 200])
    const stored = (await t.store.users.get(user.id))?.hashed_password
    expect(stored).not.toBe(oldHash)
    expect((await FAST_HASHING.verifyAndUpdate(password, stored!)).updatedHash).toBeNull()
  })
})
