/**
 * Threat: guessing passwords, and flooding the routes that hash, mail or mint tokens. Per-email
 * throttling of failed logins (whether or not the account exists), per-address limits that no
 * spelling of a path or an address escapes, and limits that a normal client never meets.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  JwtStrategy,
  MemoryRefreshTokenStore,
  fastifyUsers,
  type SecurityOptions,
} from '../../src/index.ts'
import { sqliteUserDatabase } from '../../src/db/kysely/index.ts'
import { backoffDelay } from '../../src/security/backoff.ts'
import { clientAddressKey } from '../../src/security/client-address.ts'
import { DEFAULT_LOGIN_BACKOFF } from '../../src/security/login-throttle.ts'
import { MemoryRateLimitStore } from '../../src/security/memory-store.ts'
import { SlidingWindowLimiter } from '../../src/security/sliding-window.ts'
import { FAST_HASHING, SECRET, uniqueEmail } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let open: SecureApp[] = []
async function secureApp(options: Parameters<typeof buildSecureApp>[0] = {}): Promise<SecureApp> {
  const built = await buildSecureApp(options)
  open.push(built)
  return built
}
afterEach(async () => {
  await Promise.all(open.map((built) => built.close()))
  open = []
})

function expectTooMany(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  expect(res.statusCode).toBe(429)
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  expect(res.json()).toEqual({ detail: 'Too Many Requests' })
}

describe('client address keys', () => {
  it('groups IPv6 by /64, in every spelling, and maps IPv4-mapped addresses to IPv4', () => {
    const prefix = clientAddressKey('2001:db8:0:1::42')
    expect(prefix).toBe('2001:db8:0:1::/64')
    for (const spelling of ['2001:DB8:0:1:ffff:ffff:ffff:ffff', '2001:0db8:0000:0001::1', '2001:db8::1:0:0:0:7%eth0']) {
      expect(clientAddressKey(spelling)).toBe(prefix)
    }
    expect(clientAddressKey('2001:db8:0:2::42')).not.toBe(prefix)
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('::ffff:cb00:7107')).toBe('203.0.113.7')
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64')
  })
})

describe('schedules', () => {
  it('lets ten failures through, then doubles the wait up to 15 minutes, and locks at the 100th', () => {
    expect(backoffDelay(9, DEFAULT_LOGIN_BACKOFF)).toBe(0)
    expect(backoffDelay(10, DEFAULT_LOGIN_BACKOFF)).toBe(1000)
    expect(backoffDelay(13, DEFAULT_LOGIN_BACKOFF)).toBe(8000)
    expect(backoffDelay(99, DEFAULT_LOGIN_BACKOFF)).toBe(15 * 60_000)
    expect(backoffDelay(100, DEFAULT_LOGIN_BACKOFF)).toBe(24 * 3_600_000)
  })

  it('limits over a sliding window and says how long to wait', async () => {
    let now = 10 * 60_000
    const limiter = new SlidingWindowLimiter(new MemoryRateLimitStore(), () => now)
    const rule = { limit: 3, windowSeconds: 60 }
    for (let i = 0; i < 3; i++) expect((await limiter.hit('k', rule)).allowed).toBe(true)
    const refused = await limiter.hit('k', rule)
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterSeconds).toBeGreaterThan(60)
    // Half a window later the previous window still weighs half: 4 × 0.5 + 1 > 3 would refuse, 4 × 0.5 + 1 = 3 passes.
    now += 90_000
    expect((await limiter.hit('k', rule)).allowed).toBe(true)
    expect((await limiter.hit('other', rule)).allowed).toBe(true)
  })
})

describe('failed logins per email', () => {
  it('throttles an email after ten failures, the same way whether or not it has an account', async () => {
    const { app, createUser } = await secureApp()
    const { user, password } = await createUser()
    for (const email of [user.email, uniqueEmail('nobody')]) {
      for (let i = 0; i < 10; i++) {
        expect((await app.inject(loginRequest(email, `wrong-${i}`))).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
      }
      expectTooMany(await app.inject(loginRequest(email, 'wrong-again')))
    }
    // The lock holds even for the right password, in another letter case and on another backend.
    expectTooMany(await app.inject(loginRequest(user.email.toUpperCase(), password, { backend: 'cookie' })))
    // Other accounts are untouched.
    const other = await createUser()
    expect((await app.inject(loginRequest(other.user.email, other.password))).statusCode).toBe(200)
  })

  it('forgets the failures at a successful login', async () => {
    const { app, createUser } = await secureApp()
    const { user, password } = await createUser()
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) expect((await app.inject(loginRequest(user.email, 'wrong'))).statusCode).toBe(400)
      expect((await app.inject(loginRequest(user.email, password))).statusCode).toBe(200)
    }
  })

  it('never blocks forgot-password, and a password reset lifts the lock', async () => {
    let resetToken = ''
    const { app, createUser } = await secureApp({ manager: { onAfterForgotPassword: (_user, token) => { resetToken = token } } })
    const { user } = await createUser()
    for (let i = 0; i < 11; i++) await app.inject(loginRequest(user.email, 'wrong'))
    expectTooMany(await app.inject(loginRequest(user.email, 'wrong')))
    const forgot = await app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: user.email } })
    expect(forgot.statusCode).toBe(202)
    await expect.poll(() => resetToken).not.toBe('')
    const reset = await app.inject({ method: 'POST', url: '/auth/reset-password', payload: { token: resetToken, password: 'a brand new password' } })
    expect(reset.statusCode).toBe(200)
    expect((await app.inject(loginRequest(user.email, 'a brand new password'))).statusCode).toBe(200)
  })

  it('lets at most the free failures through when guesses arrive all at once', async () => {
    const { app, createUser } = await secureApp()
    const { user } = await createUser()
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => app.inject(loginRequest(user.email, `guess-${i}`))))
    const statuses = results.map((res) => res.statusCode)
    expect(statuses.filter((status) => status === 400)).toHaveLength(DEFAULT_LOGIN_BACKOFF.freeFailures)
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - DEFAULT_LOGIN_BACKOFF.freeFailures)
  })
})

describe('per-address limits', () => {
  const tight = { rateLimit: { login: { limit: 3, windowSeconds: 60 }, register: { limit: 2, windowSeconds: 60 } }, loginThrottle: false } as const

  it('answers 429 with Retry-After past the limit, per address, sharing one count across backends', async () => {
    const { app } = await secureApp({ security: tight })
    for (const backend of ['jwt', 'cookie', 'jwt']) {
      expect((await app.inject(loginRequest(uniqueEmail(), 'password-x', { backend }))).statusCode).toBe(400)
    }
    expectTooMany(await app.inject(loginRequest(uniqueEmail(), 'password-x', { backend: 'cookie' })))
    expect((await app.inject(loginRequest(uniqueEmail(), 'password-x', { remoteAddress: '198.51.100.9' }))).statusCode).toBe(400)
    // Register has its own count.
    const register = () => app.inject({ method: 'POST', url: '/auth/register', payload: { email: uniqueEmail(), password: 'a good password' } })
    expect((await register()).statusCode).toBe(201)
    expect((await register()).statusCode).toBe(201)
    expectTooMany(await register())
  })

  it('counts every spelling of a path as the route, with the router options that accept them', async () => {
    const { app } = await secureApp({
      security: tight,
      server: { routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, caseSensitive: false } },
    })
    const urls = ['/auth/jwt/login', '//auth/jwt/login', '/auth/jwt/login/', '/AUTH/JWT/Login']
    const statuses = []
    for (const url of urls) statuses.push((await app.inject({ ...loginRequest(uniqueEmail(), 'password-x'), url })).statusCode)
    expect(statuses).toEqual([400, 400, 400, 429])
  })

  it('groups an IPv6 /64 and IPv4-mapped addresses', async () => {
    const { app } = await secureApp({ security: tight })
    for (const remoteAddress of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3']) {
      expect((await app.inject(loginRequest(uniqueEmail(), 'password-x', { remoteAddress }))).statusCode).toBe(400)
    }
    expectTooMany(await app.inject(loginRequest(uniqueEmail(), 'password-x', { remoteAddress: '2001:db8:1:2::99' })))
    for (const remoteAddress of ['203.0.113.5', '::ffff:203.0.113.5', '203.0.113.5']) {
      expect((await app.inject(loginRequest(uniqueEmail(), 'password-x', { remoteAddress }))).statusCode).toBe(400)
    }
    expectTooMany(await app.inject(loginRequest(uniqueEmail(), 'password-x', { remoteAddress: '::ffff:203.0.113.5' })))
  })

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const spoofed = await secureApp({ security: tight })
    const forwarded = (i: number) => ({ 'x-forwarded-for': `192.0.2.${i}` })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await spoofed.app.inject(loginRequest(uniqueEmail(), 'p-x', { headers: forwarded(i) }))).statusCode)
    expect(statuses).toEqual([400, 400, 400, 429])

    const proxied = await secureApp({ security: tight, server: { trustProxy: '127.0.0.1' } })
    for (let i = 0; i < 4; i++) {
      expect((await proxied.app.inject(loginRequest(uniqueEmail(), 'p-x', { headers: forwarded(i) }))).statusCode).toBe(400)
    }
  })

  it('turns off per action or as a whole', async () => {
    const { app } = await secureApp({ security: { rateLimit: { login: false, register: { limit: 1, windowSeconds: 60 } } } })
    for (let i = 0; i < 5; i++) expect((await app.inject(loginRequest(uniqueEmail(), 'password-x'))).statusCode).toBe(400)
    const register = () => app.inject({ method: 'POST', url: '/auth/register', payload: { email: uniqueEmail(), password: 'a good password' } })
    expect((await register()).statusCode).toBe(201)
    expectTooMany(await register())
  })

  it('never hinders a client at the conformance suite\'s pace', async () => {
    const { app } = await secureApp()
    const results = []
    for (let i = 0; i < 250; i++) {
      const email = uniqueEmail('pace')
      results.push((await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'a good password' } })).statusCode)
      results.push((await app.inject(loginRequest(email, 'a good password'))).statusCode)
      if (i % 4 === 0) results.push((await app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email } })).statusCode)
    }
    expect(results.filter((status) => status === 429)).toEqual([])
  })
})

describe('refresh and logout-all', () => {
  /** The bearer backend at /auth/jwt, with refresh tokens (the security suites' app has none). */
  async function refreshApp(security: SecurityOptions = {}): Promise<SecureApp> {
    const store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-refresh-limit-')), 'users.db') })
    const bearer = new AuthenticationBackend({
      name: 'jwt',
      transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
      strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900 }),
      refresh: { store: new MemoryRefreshTokenStore(), lifetimeSeconds: 3600 },
    })
    const users = fastifyUsers({
      db: store.users,
      backends: [bearer],
      security,
      manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING },
    })
    const app = Fastify({ logger: false })
    await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
    await app.ready()
    const built: SecureApp = {
      app,
      users,
      store,
      async createUser(fields = {}) {
        const password = fields.password ?? `pw-${Math.random().toString(36).slice(2)}-long`
        return { user: await users.manager.create({ email: uniqueEmail('refresh'), ...fields, password } as never), password }
      },
      close: async () => {
        await app.close()
        await store.destroy()
      },
    }
    open.push(built)
    return built
  }
  async function session({ app, createUser }: SecureApp) {
    const { user, password } = await createUser()
    const res = await app.inject(loginRequest(user.email, password))
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { access_token: string; refresh_token: string }
  }
  const refresh = (app: SecureApp['app'], token: string, remoteAddress?: string) =>
    app.inject({ method: 'POST', url: '/auth/jwt/refresh', payload: { refresh_token: token }, remoteAddress })
  const logoutAll = (app: SecureApp['app'], token: string) =>
    app.inject({ method: 'POST', url: '/auth/jwt/logout-all', headers: { authorization: `Bearer ${token}` } })

  it('answers 429 past the limit, per address, counting both routes together and apart from login', async () => {
    const built = await refreshApp({ rateLimit: { refresh: { limit: 3, windowSeconds: 60 } }, loginThrottle: false })
    const { app } = built
    const first = await session(built)
    const next = await refresh(app, first.refresh_token)
    expect(next.statusCode).toBe(200)
    expect((await refresh(app, 'not-a-refresh-token')).statusCode).toBe(401)
    expect((await logoutAll(app, next.json().access_token)).statusCode).toBe(204)
    expectTooMany(await refresh(app, next.json().refresh_token))
    const other = await session(built)
    expectTooMany(await logoutAll(app, other.access_token))
    expect((await refresh(app, other.refresh_token, '198.51.100.9')).statusCode).toBe(200)
  })

  it('never hinders a client that refreshes, even back to back', async () => {
    const built = await refreshApp()
    let { refresh_token: token } = await session(built)
    const statuses = []
    for (let i = 0; i < 150; i++) {
      const res = await refresh(built.app, token)
      statuses.push(res.statusCode)
      token = res.json().refresh_token
    }
    expect(new Set(statuses)).toEqual(new Set([200]))
  })
})
