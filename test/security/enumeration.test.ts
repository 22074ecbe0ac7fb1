/**
 * Threat: learning which emails have an account, from the status, the body, the headers or
 * the time of login, forgot-password and request-verify-token. The tests check the code path
 * (the same work for every kind of address, or the work after the response), never the clock;
 * bench/enumeration-timing.ts measures the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PasswordHelper, type PasswordHasher } from '../../src/index.ts'
import { uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

/** A hasher that counts its calls, so a test sees which hashing work a request did. */
class CountingHasher implements PasswordHasher {
  readonly inner = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
  calls: string[] = []
  hash(password: string) {
    this.calls.push('hash')
    return this.inner.hash(password)
  }
  verifyAndUpdate(password: string, hash: string) {
    this.calls.push('verify')
    return this.inner.verifyAndUpdate(password, hash)
  }
  generate() {
    return this.inner.generate()
  }
}

let t: SecureApp
const hasher = new CountingHasher()
let release: () => void = () => {}
let gate = Promise.resolve()
const mailed: string[] = []
let active: { email: string; password: string }
let inactive: { email: string; password: string }
let verified: { email: string }

beforeAll(async () => {
  const slowMail = async (user: { email: string }) => {
    await gate
    mailed.push(user.email)
  }
  t = await buildSecureApp({ manager: { passwordHelper: hasher, onAfterForgotPassword: slowMail, onAfterRequestVerify: slowMail } })
  const a = await t.createUser()
  const i = await t.createUser({ is_active: false })
  const v = await t.createUser({ is_verified: true })
  active = { email: a.user.email, password: a.password }
  inactive = { email: i.user.email, password: i.password }
  verified = { email: v.user.email }
})
afterAll(() => t.close())

/** What a client can compare: status, body and headers, less those that differ per request. */
function visible(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  const { date: _date, 'x-request-id': _id, ...headers } = res.headers
  return { status: res.statusCode, body: res.body, headers }
}

describe('login', () => {
  it('answers an unknown email, a wrong password and an inactive user alike, with one hash each', async () => {
    const cases = [
      loginRequest(uniqueEmail('nobody'), active.password),
      loginRequest(active.email, 'not-the-password'),
      loginRequest(inactive.email, inactive.password),
      loginRequest(inactive.email, 'not-the-password'),
    ]
    const seen = []
    for (const request of cases) {
      hasher.calls = []
      seen.push(visible(await t.app.inject(request)))
      expect(hasher.calls).toHaveLength(1)
    }
    for (const response of seen) expect(response).toEqual(seen[0])
    expect(seen[0]!.body).toBe('{"detail":"LOGIN_BAD_CREDENTIALS"}')
  })

  it('does two hashes for an unknown email when the password is not in NFKC form, as a known one verifies twice', async () => {
    hasher.calls = []
    expect((await t.app.inject(loginRequest(uniqueEmail('nobody'), '\ufb01ne-Cafe\u0301-pass'))).statusCode).toBe(400)
    expect(hasher.calls).toEqual(['hash', 'hash'])
  })
})

describe.each([
  // The same active user under two spellings, plus the verified user, who may still reset.
  { route: 'forgot-password', mailedTo: () => [active.email, active.email, verified.email] },
  { route: 'request-verify-token', mailedTo: () => [active.email, active.email] },
])('$route', ({ route, mailedTo }) => {
  it('answers before any lookup or mail, the same for every kind of address', async () => {
    gate = new Promise((resolve) => {
      release = resolve
    })
    mailed.length = 0
    const emails = [active.email, uniqueEmail('nobody'), inactive.email, verified.email, active.email.toUpperCase()]
    const seen = []
    for (const email of emails) {
      seen.push(visible(await t.app.inject({ method: 'POST', url: `/auth/${route}`, payload: { email } })))
    }
    // Every response was sent while the mail of the known address was still held back.
    expect(mailed).toEqual([])
    for (const response of seen) expect(response).toEqual(seen[0])
    expect(seen[0]).toMatchObject({ status: 202, body: 'null' })
    release()
    await expect.poll(() => [...mailed].sort()).toEqual(mailedTo().sort())
  })
})

describe('brute-force protection', () => {
  it('throttles an unknown email exactly like a known one', async () => {
    const known = []
    const unknown = []
    const nobody = uniqueEmail('nobody')
    const target = await t.createUser()
    for (let i = 0; i < 12; i++) {
      known.push(visible(await t.app.inject(loginRequest(target.user.email, `wrong-${i}`))))
      unknown.push(visible(await t.app.inject(loginRequest(nobody, `wrong-${i}`))))
    }
    expect(unknown.map((r) => [r.status, r.body])).toEqual(known.map((r) => [r.status, r.body]))
    expect(known.at(-1)!.status).toBe(429)
  })
})
