/**
 * AuthenticationBackend on its own (src/authentication/backend.ts): which logins are recorded
 * as sessions, which refresh tokens a logout ends, when a refresh token is issued, read,
 * exchanged or refused, and what the sessions are told. Real strategies, memory stores and
 * SQLite; no HTTP.
 */
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthenticationBackend } from '../src/authentication/backend.ts'
import { DatabaseStrategy } from '../src/authentication/strategies/database.ts'
import { JwtStrategy } from '../src/authentication/strategies/jwt.ts'
import type { Strategy } from '../src/authentication/strategy.ts'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { CookieTransport } from '../src/authentication/transports/cookie.ts'
import { sqliteUserDatabase } from '../src/db/kysely/open.ts'
import type { KyselyUserStore } from '../src/db/kysely/index.ts'
import { UnauthorizedError } from '../src/errors.ts'
import { MemoryRefreshTokenStore } from '../src/refresh/memory-store.ts'
import type { RefreshOptions } from '../src/refresh/refresh-tokens.ts'
import { MemorySessionStore } from '../src/sessions/memory-store.ts'
import { Sessions, type SessionStart } from '../src/sessions/sessions.ts'
import type { UserRecord } from '../src/user.ts'
import { SECRET } from './support/app.ts'

const REFRESH_ROUTE = '/auth/jwt/refresh'
const LIFETIME = 3600
const REFRESH_LIFETIME = 7200

/** Real sessions in memory, also noting what the backend told them. */
class NotedSessions extends Sessions {
  readonly starts: SessionStart[] = []
  readonly endedFamilies: Array<[string, string]> = []

  constructor() {
    super({ store: new MemorySessionStore() })
  }

  override async started(start: SessionStart): Promise<void> {
    this.starts.push(start)
    await super.started(start)
  }

  override async familyEnded(userId: string, familyId: string): Promise<void> {
    this.endedFamilies.push([userId, familyId])
    await super.familyEnded(userId, familyId)
  }
}

/** A memory refresh store counting the logouts that asked it to end an access token's families. */
class CountingRefreshStore extends MemoryRefreshTokenStore {
  logoutDeletes = 0

  override async deleteFamiliesOfAccessToken(accessTokenHash: string): Promise<void> {
    this.logoutDeletes++
    await super.deleteFamiliesOfAccessToken(accessTokenHash)
  }
}

let dir: string
let store: KyselyUserStore
let user: UserRecord
let other: UserRecord

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fastify-users-backend-'))
  store = await sqliteUserDatabase({ filename: join(dir, 'users.db') })
  const base = { hashed_password: 'not a hash', is_active: true, is_superuser: false, is_verified: false }
  user = await store.users.create({ ...base, email: 'backend-user@example.com' })
  other = await store.users.create({ ...base, email: 'backend-other@example.com' })
})

afterAll(async () => {
  await store.destroy()
  await rm(dir, { recursive: true, force: true })
})

const jwt = () => new JwtStrategy({ secret: SECRET, lifetimeSeconds: LIFETIME })
const database = (tokenStorage: 'sha256' | 'plain' = 'sha256') => new DatabaseStrategy({ accessTokenDb: store.accessTokens, lifetimeSeconds: LIFETIME, tokenStorage })
const refreshOptions = (overrides: Partial<RefreshOptions> = {}): RefreshOptions => ({ store: new MemoryRefreshTokenStore(), lifetimeSeconds: REFRESH_LIFETIME, ...overrides })
const bearer = (strategy: Strategy, refresh?: RefreshOptions, name = 'jwt') =>
  new AuthenticationBackend({ name, transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }), strategy, refresh })
const body = (response: { body?: unknown }) => response.body as { access_token: string; refresh_token?: string }
/** A database strategy seen through the Strategy interface alone, without `tokenKey` and `revokeTokenKey`. */
const keyless = (real: DatabaseStrategy): Strategy => ({
  lifetimeSeconds: real.lifetimeSeconds,
  readToken: (token, lookup) => real.readToken(token, lookup),
  writeToken: (u) => real.writeToken(u),
  destroyToken: (token) => real.destroyToken(token),
})
const users = { get: (id: string) => store.users.get(id) }
const accepts = () => true

describe('the backend name', () => {
  it('is letters, digits, _ and - from its first character to its last', () => {
    for (const name of ['jwt', 'Cookie_2', 'api-key', '0']) expect(() => bearer(jwt(), undefined, name)).not.toThrow()
    for (const name of ['', 'a b', 'jwt!', '!jwt', 'jwt/x', 'x\ny']) {
      expect(() => bearer(jwt(), undefined, name), JSON.stringify(name)).toThrow(TypeError)
    }
    expect(() => bearer(jwt(), undefined, 'no way')).toThrow('backend name "no way" may only contain letters, digits, _ and -')
  })
})

describe('a login without refresh tokens', () => {
  it('records a session for a database token, keyed by its row, as long as the token lives', async () => {
    const sessions = new NotedSessions()
    const strategy = database()
    const backend = bearer(strategy, undefined, 'db')
    const before = Math.floor(Date.now() / 1000)
    const token = body(await backend.login(user, { sessions })).access_token
    expect(sessions.starts).toEqual([{
      userId: user.id, backend: 'db', accessToken: token, accessTokenKey: strategy.tokenKey(token), familyId: null,
      lifetimeSeconds: LIFETIME, client: { userAgent: null, address: null },
    }])
    const [session] = await sessions.list(user.id)
    expect(session!.accessTokenKey).not.toBeNull()
    expect(session!.expiresAt! - session!.createdAt).toBe(LIFETIME)
    expect(session!.createdAt).toBeGreaterThanOrEqual(before)
    expect(await strategy.readToken(token, users)).toMatchObject({ id: user.id })
  })

  it('records the client it is given', async () => {
    const sessions = new NotedSessions()
    await bearer(database(), undefined, 'db').login(user, { sessions, client: { userAgent: 'tests/1.0', address: '203.0.113.9' } })
    expect(sessions.starts[0]!.client).toEqual({ userAgent: 'tests/1.0', address: '203.0.113.9' })
    expect((await sessions.list(user.id))[0]).toMatchObject({ userAgent: 'tests/1.0', clientAddress: '203.0.113.9' })
  })

  it('records no session for a JWT: nothing on the server to list or end', async () => {
    const sessions = new NotedSessions()
    const response = await bearer(jwt()).login(other, { sessions })
    expect(body(response).access_token).toMatch(/^ey/)
    expect(sessions.starts).toEqual([])
    expect(await sessions.list(other.id)).toEqual([])
  })

  it('records no session for a token whose row holds the token itself (no key to end it by)', async () => {
    const sessions = new NotedSessions()
    await bearer(database('plain'), undefined, 'db').login(other, { sessions })
    expect(sessions.starts).toEqual([])
  })

  it('records no session for a strategy that cannot end a token by its key', async () => {
    const real = database()
    const keyedOnly: Strategy = {
      lifetimeSeconds: LIFETIME,
      readToken: (token, lookup) => real.readToken(token, lookup),
      writeToken: (u) => real.writeToken(u),
      destroyToken: (token) => real.destroyToken(token),
      tokenKey: (token) => real.tokenKey(token),
    }
    const sessions = new NotedSessions()
    await bearer(keyedOnly, undefined, 'db').login(other, { sessions })
    expect(sessions.starts).toEqual([])
  })

  it('records no session for a strategy without token keys', async () => {
    const sessions = new NotedSessions()
    const response = await bearer(keyless(database()), undefined, 'db').login(other, { sessions })
    expect(body(response).access_token).toMatch(/^[\w-]{43}$/)
    expect(sessions.starts).toEqual([])
  })

  it('works without sessions, and without a refresh token even when a refresh route is named', async () => {
    const response = await bearer(database(), undefined, 'db').login(user, { refreshRoute: REFRESH_ROUTE })
    expect(Object.keys(body(response))).toEqual(['access_token', 'token_type'])
  })
})

describe('a login with refresh tokens', () => {
  it('issues a refresh token only when there is a refresh route to exchange it at', async () => {
    const backend = bearer(jwt(), refreshOptions())
    expect(Object.keys(body(await backend.login(user)))).toEqual(['access_token', 'token_type'])
    const withRoute = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE }))
    expect(withRoute.refresh_token).toMatch(/^[\w-]{43}$/)
  })

  it('records the session under the refresh family, as long as the refresh token lives', async () => {
    const sessions = new NotedSessions()
    const strategy = jwt()
    const backend = bearer(strategy, refreshOptions())
    const token = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE, sessions })).access_token
    expect(sessions.starts).toEqual([expect.objectContaining({ accessToken: token, accessTokenKey: strategy.tokenKey(token), lifetimeSeconds: REFRESH_LIFETIME })])
    expect(sessions.starts[0]!.familyId).toMatch(/^[\w-]{43}$/)
  })
})

describe('logout', () => {
  it('ends the access token with this backend\'s strategy and its refresh tokens, asking the store once', async () => {
    const refreshStore = new CountingRefreshStore()
    const strategy = database()
    const backend = bearer(strategy, refreshOptions({ store: refreshStore }), 'db')
    const issued = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE }))
    expect(await backend.logout(issued.access_token, user)).toEqual({ statusCode: 204 })
    expect(refreshStore.logoutDeletes).toBe(1)
    expect(await strategy.readToken(issued.access_token, users)).toBeNull()
    expect((await backend.refresh!.check(issued.refresh_token!)).status).toBe('invalid')
  })

  it('ends the token with the issuer\'s strategy, and the refresh tokens of the backends named', async () => {
    const issuerStrategy = database()
    const issuer = bearer(issuerStrategy, refreshOptions(), 'db')
    const third = bearer(jwt(), refreshOptions(), 'third')
    const plain = bearer(jwt(), undefined, 'plain')
    const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport(), strategy: jwt(), refresh: refreshOptions() })
    const issued = body(await issuer.login(user, { refreshRoute: REFRESH_ROUTE }))
    // The third backend's refresh tokens issued with the same access token (a shared strategy).
    const alsoIssued = await third.refresh!.issue(user.id, issued.access_token)
    const response = await cookie.logout(issued.access_token, user, { issuer, backends: [plain, third], refreshRoute: '/auth/cookie/refresh' })
    expect(response.setCookies).toHaveLength(2)
    expect(response.setCookies![1]).toMatch(/^fastapiusersrefresh=""; HttpOnly; Max-Age=0; Path=\/auth\/cookie\/refresh/)
    expect(await issuerStrategy.readToken(issued.access_token, users)).toBeNull()
    expect((await third.refresh!.check(alsoIssued)).status).toBe('invalid')
    // The issuer was not named: its refresh tokens were left alone.
    expect((await issuer.refresh!.check(issued.refresh_token!)).status).toBe('valid')
  })

  it('ends the issuer\'s refresh tokens by default', async () => {
    const issuer = bearer(jwt(), refreshOptions(), 'issuer')
    const backend = bearer(jwt(), undefined, 'other')
    const issued = body(await issuer.login(user, { refreshRoute: REFRESH_ROUTE }))
    await backend.logout(issued.access_token, user, { issuer })
    expect((await issuer.refresh!.check(issued.refresh_token!)).status).toBe('invalid')
  })
})

describe('the logout answer and the refresh token read', () => {
  it('clear the refresh cookie only where there is a refresh route', () => {
    const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport(), strategy: jwt(), refresh: refreshOptions() })
    expect(cookie.logoutResponse().setCookies).toHaveLength(1)
    expect(cookie.logoutResponse({ refreshRoute: '/auth/cookie/refresh' }).setCookies).toHaveLength(2)
    const noRefresh = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport(), strategy: jwt() })
    expect(noRefresh.logoutResponse({ refreshRoute: '/auth/cookie/refresh' }).setCookies).toHaveLength(1)
    expect(bearer(jwt()).logoutResponse({ refreshRoute: REFRESH_ROUTE })).toEqual({ statusCode: 204 })
  })

  it('reads no refresh token on a backend without refresh tokens', () => {
    const request = { headers: { cookie: 'fastapiusersrefresh=R' } }
    expect(bearer(jwt()).readRefreshToken(request, { refresh_token: 'R' }, { refreshRoute: REFRESH_ROUTE })).toBeNull()
    expect(bearer(jwt(), refreshOptions()).readRefreshToken(request, { refresh_token: 'R' }, { refreshRoute: REFRESH_ROUTE })).toBe('R')
  })
})

describe('a refresh token exchange', () => {
  it('answers as a login with a new access token and the successor, and moves the session on to them', async () => {
    const sessions = new NotedSessions()
    const strategy = database()
    const backend = bearer(strategy, refreshOptions({ reuseGraceSeconds: 0 }), 'db')
    const first = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE, sessions }))
    const next = body(await backend.exchangeRefreshToken(first.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, sessions, accepts }))
    expect(Object.keys(next)).toEqual(['access_token', 'token_type', 'refresh_token'])
    expect(next.refresh_token).not.toBe(first.refresh_token)
    expect(await strategy.readToken(next.access_token, users)).toMatchObject({ id: user.id })
    const [session] = await sessions.list(user.id)
    expect(sessions.isCurrent(session!, next.access_token)).toBe(true)
    expect(session!.accessTokenKey).toBe(strategy.tokenKey(next.access_token))
    expect(session!.expiresAt! - session!.lastUsedAt).toBe(REFRESH_LIFETIME)
    expect(sessions.endedFamilies).toEqual([])
    await sessions.forget(user.id, session!.id)
  })

  it('moves a JWT session on without a key of its own to the strategy', async () => {
    const sessions = new NotedSessions()
    const strategy = jwt()
    const backend = bearer(strategy, refreshOptions())
    const first = body(await backend.login(other, { refreshRoute: REFRESH_ROUTE, sessions }))
    const next = body(await backend.exchangeRefreshToken(first.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, sessions, accepts }))
    const [session] = await sessions.list(other.id)
    expect(sessions.isCurrent(session!, next.access_token)).toBe(true)
    expect(session!.accessTokenKey).toBe(strategy.tokenKey(next.access_token))
    await sessions.forget(other.id, session!.id)
  })

  it('moves the session on without a key for a strategy that has none', async () => {
    const sessions = new NotedSessions()
    const strategy = database()
    const backend = bearer(keyless(strategy), refreshOptions(), 'db')
    const first = body(await backend.login(other, { refreshRoute: REFRESH_ROUTE, sessions }))
    expect(sessions.starts[0]!.accessTokenKey).toBeNull()
    const next = body(await backend.exchangeRefreshToken(first.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, sessions, accepts }))
    expect(await strategy.readToken(next.access_token, users)).toMatchObject({ id: other.id })
    const [session] = await sessions.list(other.id)
    expect(sessions.isCurrent(session!, next.access_token)).toBe(true)
    expect(session!.accessTokenKey).toBeNull()
    await sessions.forget(other.id, session!.id)
  })

  it('ends the session of a reused token, and refuses it', async () => {
    const sessions = new NotedSessions()
    const backend = bearer(jwt(), refreshOptions({ reuseGraceSeconds: 0 }))
    const first = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE, sessions }))
    const familyId = sessions.starts[0]!.familyId!
    await backend.exchangeRefreshToken(first.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, sessions, accepts })
    await expect(backend.exchangeRefreshToken(first.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, sessions, accepts })).rejects.toThrow(UnauthorizedError)
    expect(sessions.endedFamilies).toEqual([[user.id, familyId]])
    expect(await sessions.list(user.id)).toEqual([])
  })

  it('refuses a missing or unknown token without ending any session', async () => {
    const sessions = new NotedSessions()
    const backend = bearer(jwt(), refreshOptions())
    const options = { refreshRoute: REFRESH_ROUTE, sessions, accepts }
    await expect(backend.exchangeRefreshToken(null, users, options)).rejects.toThrow(UnauthorizedError)
    await expect(backend.exchangeRefreshToken('x'.repeat(43), users, options)).rejects.toThrow(UnauthorizedError)
    expect(sessions.endedFamilies).toEqual([])
  })

  it('is refused by a backend without refresh tokens, or without a refresh route, leaving the token usable', async () => {
    const backend = bearer(jwt(), refreshOptions())
    const issued = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE }))
    await expect(bearer(jwt()).exchangeRefreshToken(issued.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, accepts })).rejects.toThrow(UnauthorizedError)
    // A JavaScript caller may leave the route out.
    const noRoute = { accepts } as unknown as { refreshRoute: string; accepts: () => boolean }
    await expect(backend.exchangeRefreshToken(issued.refresh_token!, users, noRoute)).rejects.toThrow(UnauthorizedError)
    expect((await backend.refresh!.check(issued.refresh_token!)).status).toBe('valid')
  })

  it('refuses a user it does not accept, who keeps the refresh token', async () => {
    const backend = bearer(jwt(), refreshOptions())
    const issued = body(await backend.login(user, { refreshRoute: REFRESH_ROUTE }))
    await expect(backend.exchangeRefreshToken(issued.refresh_token!, users, { refreshRoute: REFRESH_ROUTE, accepts: () => false })).rejects.toThrow(UnauthorizedError)
    expect((await backend.refresh!.check(issued.refresh_token!)).status).toBe('valid')
  })

  it('ends the new access token and the session when a concurrent exchange used the token first', async () => {
    const sessions = new NotedSessions()
    const strategy = database()
    const backend = bearer(strategy, refreshOptions({ reuseGraceSeconds: 0 }), 'db')
    const first = body(await backend.login(other, { refreshRoute: REFRESH_ROUTE, sessions }))
    const options = { refreshRoute: REFRESH_ROUTE, sessions, accepts }
    const results = await Promise.allSettled([
      backend.exchangeRefreshToken(first.refresh_token!, users, options),
      backend.exchangeRefreshToken(first.refresh_token!, users, options),
    ])
    const refused = results.filter((result) => result.status === 'rejected')
    expect(refused).toHaveLength(1)
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(UnauthorizedError)
    expect(sessions.endedFamilies).toEqual([[other.id, sessions.starts[0]!.familyId]])
    expect(await sessions.list(other.id)).toEqual([])
  })
})
