/**
 * Threat: using the login throttle against the user it protects, or getting around it. Only
 * wrong passwords count (an outage never locks anyone out); a flood of junk keys cannot make
 * the in-memory store forget a throttled account; and with device cookies, an attacker's
 * guesses from many addresses lock out untrusted attempts only: the real user's device logs
 * in at the first try, and a proof is worth nothing for another account.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/errors.ts'
import { DeviceProofs } from '../../src/security/device-proof.ts'
import { LoginThrottle } from '../../src/security/login-throttle.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'
import { SlidingWindowLimiter } from '../../src/security/sliding-window.ts'
import { SECRET } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp, type SecureAppOptions } from './app.ts'

let open: SecureApp[] = []
async function secureApp(options: SecureAppOptions = {}): Promise<SecureApp> {
  const built = await buildSecureApp(options)
  open.push(built)
  return built
}
afterEach(async () => {
  await Promise.all(open.map((built) => built.close()))
  open = []
})

const DEVICE_COOKIE = 'fastify_users_device'

/** The device cookie a response sets, as a `Cookie` header value. */
function deviceCookieOf(res: { headers: Record<string, unknown> }): string {
  const setCookies = [res.headers['set-cookie'] ?? []].flat() as string[]
  const cookie = setCookies.find((value) => value.startsWith(`${DEVICE_COOKIE}=`))
  expect(cookie, JSON.stringify(setCookies)).toBeDefined()
  return cookie!.split(';')[0]!
}

describe('only wrong passwords count', () => {
  /** A user database that fails every call while `outage.error` is set. */
  function failingDb(outage: { error: (() => Error) | null }): SecureAppOptions['wrapDb'] {
    return (db) => new Proxy(db, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (outage.error !== null) return Promise.reject(outage.error())
          return value.apply(target, args)
        }
      },
    })
  }

  it('never counts a login that a store failure ended, a 503 or any other error', async () => {
    const outage: { error: (() => Error) | null } = { error: null }
    const { app, createUser } = await secureApp({ wrapDb: failingDb(outage) })
    const { user, password } = await createUser()
    for (let i = 0; i < 9; i++) expect((await app.inject(loginRequest(user.email, `wrong-${i}`))).statusCode).toBe(400)

    outage.error = () => new ServiceUnavailableError()
    for (let i = 0; i < 30; i++) {
      const res = await app.inject(loginRequest(user.email, i % 2 ? password : `wrong-${i}`))
      expect(res.statusCode).toBe(503)
      expect(res.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
    }
    outage.error = () => new Error('connect ECONNREFUSED 127.0.0.1:5432')
    for (let i = 0; i < 5; i++) expect((await app.inject(loginRequest(user.email, password))).statusCode).toBe(500)

    // Back up, with nine failures still: had a single outage attempt counted, this would be
    // the attempt after the tenth failure, and wait.
    outage.error = null
    expect((await app.inject(loginRequest(user.email, password))).statusCode).toBe(200)
  })

  it('takes back the attempts of a burst that met an outage', async () => {
    const outage: { error: (() => Error) | null } = { error: null }
    const { app, createUser } = await secureApp({ wrapDb: failingDb(outage) })
    const { user, password } = await createUser()
    outage.error = () => new ServiceUnavailableError()
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => app.inject(loginRequest(user.email, `guess-${i}`))))
    const statuses = burst.map((res) => res.statusCode)
    // Counted up front, so a burst still meets the throttle while it lasts; none was a failure.
    expect(statuses).toContain(503)
    expect(statuses.filter((status) => status !== 503 && status !== 429)).toEqual([])
    outage.error = null
    for (let i = 0; i < 9; i++) expect((await app.inject(loginRequest(user.email, `wrong-${i}`))).statusCode).toBe(400)
    expect((await app.inject(loginRequest(user.email, password))).statusCode).toBe(200)
  })
})

describe('a flood of junk keys', () => {
  const policy = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 1000, maxFailures: 5, lockoutMs: 3_600_000, forgetAfterMs: 3_600_000 }

  it('never makes the memory store forget a locked or waiting account, and the store stays bounded', async () => {
    let now = 1_000_000
    const store = new MemoryRateLimitStore({ maxEntries: 200 })
    const throttle = new LoginThrottle({ store, policy, now: () => now })
    const limiter = new SlidingWindowLimiter(store, () => now)
    const locked = 'locked@example.com'
    const waiting = 'waiting@example.com'
    for (let i = 0; i < 5; i++) {
      expect((await throttle.attempt(locked)).allowed).toBe(true)
      now += 1000
    }
    for (let i = 0; i < 3; i++) expect((await throttle.attempt(waiting)).allowed).toBe(true)
    expect((await throttle.attempt(locked)).allowed).toBe(false)
    expect((await throttle.attempt(waiting)).allowed).toBe(false)

    for (let i = 0; i < 5000; i++) {
      await throttle.attempt(`junk-${i}@example.com`)
      await limiter.hit(`ip:login:198.51.${i >> 8}.${i & 0xff}`, { limit: 600, windowSeconds: 60 })
      expect(store.size).toBeLessThanOrEqual(200)
    }
    const lockedAfter = await throttle.attempt(locked)
    expect(lockedAfter.allowed).toBe(false)
    expect(lockedAfter.retryAfterMs).toBeGreaterThan(3_500_000)
    expect((await throttle.attempt(waiting)).allowed).toBe(false)
  })

  it('stays bounded when the junk keys are throttled too', async () => {
    const now = 1_000_000
    const store = new MemoryRateLimitStore({ maxEntries: 50 })
    const throttle = new LoginThrottle({ store, policy, now: () => now })
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 3; j++) await throttle.attempt(`throttled-${i}@example.com`)
      expect(store.size).toBeLessThanOrEqual(50)
    }
  })
})

describe('device proofs', () => {
  it('prove one account, until they expire, and nothing else', () => {
    let now = 1_700_000_000_000
    const proofs = new DeviceProofs({ secret: SECRET, lifetimeSeconds: 3600, now: () => now })
    const proof = proofs.issue('King.Arthur@camelot.bt')
    expect(proof).toMatch(/^v1\.[\w-]{22}\.\d+\.[\w-]{43}$/)
    const device = proofs.verify(proof, 'king.arthur@CAMELOT.BT')
    expect(device).toMatch(/^[\w-]{22}$/)
    expect(proofs.verify(proofs.issue('king.arthur@camelot.bt'), 'king.arthur@camelot.bt')).not.toBe(device)
    expect(proofs.verify(proof, 'lancelot@camelot.bt')).toBeNull()
    const [version, id, expiry, mac] = proof.split('.') as [string, string, string, string]
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`
    for (const forged of [
      `${version}.${id}.${expiry}.${flipped}`,
      `${version}.${id}.${Number(expiry) + 3600}.${mac}`,
      `v2.${id}.${expiry}.${mac}`,
      `${proof}.x`,
      `${version}.${id}.${expiry}.${mac.slice(0, 20)}`,
      '',
      'garbage',
    ]) {
      expect(proofs.verify(forged, 'King.Arthur@camelot.bt')).toBeNull()
    }
    expect(new DeviceProofs({ secret: DeviceProofs.deriveSecret(SECRET) }).verify(proof, 'King.Arthur@camelot.bt')).toBeNull()
    now += 3_600_000
    expect(proofs.verify(proof, 'King.Arthur@camelot.bt')).toBeNull()
  })

  it('are handed out by every successful login, next to an unchanged answer', async () => {
    const { app, createUser } = await secureApp()
    const { user, password } = await createUser()
    const bearer = await app.inject(loginRequest(user.email, password))
    expect(bearer.statusCode).toBe(200)
    expect(Object.keys(bearer.json()).sort()).toEqual(['access_token', 'token_type'])
    const setCookie = [bearer.headers['set-cookie']].flat().find((value) => value?.startsWith(`${DEVICE_COOKIE}=`))
    expect(setCookie).toMatch(/; HttpOnly; Max-Age=7776000; Path=\/; SameSite=strict; Secure$/)
    const cookie = await app.inject(loginRequest(user.email, password, { backend: 'cookie' }))
    expect(cookie.statusCode).toBe(204)
    expect(cookie.body).toBe('')
    expect([cookie.headers['set-cookie']].flat().map((value) => value!.split('=')[0])).toEqual(['fastapiusersauth', DEVICE_COOKIE])
    expect((await app.inject(loginRequest(user.email, 'wrong-password'))).headers['set-cookie']).toBeUndefined()

    const off = await secureApp({ security: { trustedDevices: false } })
    const other = await off.createUser()
    const plain = await off.app.inject(loginRequest(other.user.email, other.password))
    expect(plain.statusCode).toBe(200)
    expect(plain.headers['set-cookie']).toBeUndefined()
  })

  /** 20 addresses send wrong passwords for `email`, 20 at a time. */
  async function attack(app: SecureApp['app'], email: string, rounds: number): Promise<number[]> {
    const statuses: number[] = []
    for (let round = 0; round < rounds; round++) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        app.inject(loginRequest(email, `guess-${round}-${i}`, { remoteAddress: `203.0.113.${i + 1}` }))))
      statuses.push(...batch.map((res) => res.statusCode))
    }
    return statuses
  }

  it('let the real user log in at the first try while 20 addresses guess, and keep the guessers out', async () => {
    const { app, createUser } = await secureApp()
    const { user, password } = await createUser()
    let device = deviceCookieOf(await app.inject(loginRequest(user.email, password)))

    const statuses = await attack(app, user.email, 10)
    expect(statuses.filter((status) => status === 400)).toHaveLength(10)
    expect(statuses.filter((status) => status === 429)).toHaveLength(190)
    // Untrusted attempts, the right password included, stay locked out.
    expect((await app.inject(loginRequest(user.email, password, { remoteAddress: '198.51.100.1' }))).statusCode).toBe(429)

    for (const backend of ['jwt', 'cookie', 'jwt']) {
      const res = await app.inject(loginRequest(user.email, password, { backend, remoteAddress: '198.51.100.2', headers: { cookie: device } }))
      expect(res.statusCode).toBe(backend === 'jwt' ? 200 : 204)
      device = deviceCookieOf(res)
      // The attack goes on between the user's logins, and stays refused.
      expect(new Set(await attack(app, user.email, 1))).toEqual(new Set([429]))
    }
    // The user's logins did not hand the attackers new free guesses.
    expect((await app.inject(loginRequest(user.email, 'one-more-guess', { remoteAddress: '203.0.113.99' }))).statusCode).toBe(429)
  })

  it('are not trusted for another account, nor when tampered with', async () => {
    const { app, createUser } = await secureApp()
    const owner = await createUser()
    const victim = await createUser()
    const device = deviceCookieOf(await app.inject(loginRequest(owner.user.email, owner.password)))
    await attack(app, victim.user.email, 1)
    const asVictim = await app.inject(loginRequest(victim.user.email, victim.password, { headers: { cookie: device } }))
    expect(asVictim.statusCode).toBe(429)
    // The owner's own proof, with a byte of its signature changed, is no proof either.
    await attack(app, owner.user.email, 1)
    const tampered = device.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'))
    expect((await app.inject(loginRequest(owner.user.email, owner.password, { headers: { cookie: tampered } }))).statusCode).toBe(429)
    expect((await app.inject(loginRequest(owner.user.email, owner.password, { headers: { cookie: device } }))).statusCode).toBe(200)
  })

  it('lose their trust after too many failures of their own', async () => {
    const { app, createUser } = await secureApp({
      security: { trustedDevices: { throttle: { freeFailures: 1, baseDelayMs: 0, maxDelayMs: 0, maxFailures: 3 } } },
    })
    const { user, password } = await createUser()
    const device = deviceCookieOf(await app.inject(loginRequest(user.email, password)))
    await attack(app, user.email, 1)
    for (let i = 0; i < 3; i++) {
      expect((await app.inject(loginRequest(user.email, `typo-${i}`, { headers: { cookie: device } }))).statusCode).toBe(400)
    }
    // The device's trust is gone: its attempts are untrusted ones, and those are locked out.
    expect((await app.inject(loginRequest(user.email, password, { headers: { cookie: device } }))).statusCode).toBe(429)
  })
})
