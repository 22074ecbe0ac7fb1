/**
 * Sessions routes (issue 15, docs/sessions.md) over HTTP: `GET /users/me/sessions`, `DELETE
 * /users/me/sessions/{session_id}` and the superuser's `GET /users/{id}/sessions`, `DELETE
 * /users/{id}/sessions/{session_id}`, for the database strategy, JWT with refresh tokens and
 * pure JWT (which has no server-side session). The Redis strategy, the auth cache and several
 * instances are in users-sessions-stores.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigurationError, DatabaseStrategy, JwtStrategy, MemoryRefreshTokenStore, MemoryRevocationStore, fastifyUsers } from '../../src/index.ts'
import { KyselySessionStore } from '../../src/db/kysely/index.ts'
import { sha256Base64url } from '../../src/opaque-token.ts'
import type { AuditEvent } from '../../src/audit/events.ts'
import type { SessionStore } from '../../src/sessions/store.ts'
import { FAST_HASHING, SECRET, UNKNOWN_UUID, form, settle } from '../support/app.ts'
import { buildSessionApp, openSqliteStore, type OpenedStore, type SessionApp } from '../support/session-app.ts'

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const CURL = 'curl/8.5.0'

/** `store` with its `touch` replaced. */
function withTouch(store: SessionStore, touch: SessionStore['touch']): SessionStore {
  return {
    create: (session) => store.create(session),
    list: (userId) => store.list(userId),
    get: (userId, id) => store.get(userId, id),
    rotate: (userId, familyId, rotation) => store.rotate(userId, familyId, rotation),
    touch,
    delete: (userId, id) => store.delete(userId, id),
    deleteByAccessToken: (userId, hash) => store.deleteByAccessToken(userId, hash),
    deleteFamily: (userId, familyId) => store.deleteFamily(userId, familyId),
    deleteAllForUser: (userId, keep) => store.deleteAllForUser(userId, keep),
    deleteExpired: (now) => store.deleteExpired(now),
  }
}

interface Session {
  id: string
  created_at: string
  last_used_at: string
  expires_at: string | null
  user_agent: string | null
  client_address: string | null
  current: boolean
}

function routes(t: SessionApp) {
  const auth = (token: string) => ({ authorization: `Bearer ${token}` })
  return {
    async login(user: { email: string }, password: string, client: { userAgent?: string; address?: string } = {}) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/jwt/login',
        ...form({ username: user.email, password }),
        remoteAddress: client.address ?? '127.0.0.1',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(client.userAgent === undefined ? {} : { 'user-agent': client.userAgent }) },
      })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as { access_token: string; refresh_token?: string }
    },
    async list(token: string, url = '/users/me/sessions') {
      const res = await t.app.inject({ method: 'GET', url, headers: auth(token) })
      expect(res.statusCode, res.body).toBe(200)
      return (res.json() as { items: Session[] }).items
    },
    end: (token: string, url: string) => t.app.inject({ method: 'DELETE', url, headers: auth(token) }),
    get: (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: auth(token) }),
  }
}

describe('sessions of the database strategy', () => {
  const audited: AuditEvent[] = []
  let opened: OpenedStore
  let t: SessionApp
  let r: ReturnType<typeof routes>
  beforeAll(async () => {
    opened = await openSqliteStore()
    const strategy = new DatabaseStrategy({ accessTokenDb: opened.store.accessTokens, lifetimeSeconds: 3600 })
    t = await buildSessionApp({
      store: opened.store,
      strategy,
      sessions: { store: new KyselySessionStore({ db: opened.store.db }) },
      onAuditEvent: (event) => {
        audited.push(event)
      },
    })
    r = routes(t)
  })
  afterAll(async () => {
    await t.close()
    await opened.drop()
  })

  it('lists each login with its user agent and address, the current one marked, ids telling nothing of the tokens', async () => {
    const { user, password } = await t.createUser()
    const before = Math.floor(Date.now() / 1000)
    const first = await r.login(user, password, { userAgent: FIREFOX, address: '::ffff:203.0.113.7' })
    const second = await r.login(user, password, { userAgent: CURL, address: '2001:DB8::42' })
    const sessions = await r.list(first.access_token)
    expect(sessions).toHaveLength(2)
    const mine = sessions.find((session) => session.current)!
    expect(mine).toMatchObject({ user_agent: FIREFOX, client_address: '203.0.113.7', current: true })
    expect(sessions.find((session) => !session.current)).toMatchObject({ user_agent: CURL, client_address: '2001:db8::42', current: false })
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(['client_address', 'created_at', 'current', 'expires_at', 'id', 'last_used_at', 'user_agent'])
      expect(session.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
      for (const token of [first.access_token, second.access_token]) {
        expect(session.id).not.toContain(token.slice(0, 10))
        expect(session.id).not.toBe(sha256Base64url(token))
      }
      expect(Date.parse(session.created_at) / 1000).toBeGreaterThanOrEqual(before)
      expect(Date.parse(session.expires_at!) - Date.parse(session.created_at)).toBe(3600 * 1000)
    }
    expect((await r.list(second.access_token)).find((session) => session.current)!.user_agent).toBe(CURL)
  })

  it('ending a session refuses its token at once; ending it again, or another user\'s, is a 404', async () => {
    const { user, password } = await t.createUser()
    const mine = await r.login(user, password)
    const other = await r.login(user, password)
    const otherId = (await r.list(mine.access_token)).find((session) => !session.current)!.id
    const ended = await r.end(mine.access_token, `/users/me/sessions/${otherId}`)
    expect(ended.statusCode, ended.body).toBe(204)
    expect(ended.body).toBe('')
    expect(await t.me(other.access_token)).toBe(401)
    expect(await t.me(mine.access_token)).toBe(200)
    expect((await r.list(mine.access_token)).map((session) => session.current)).toEqual([true])
    expect((await r.end(mine.access_token, `/users/me/sessions/${otherId}`)).json()).toEqual({ detail: 'Not Found' })

    const stranger = await t.createUser()
    const strangers = await r.login(stranger.user, stranger.password)
    const strangerId = (await r.list(strangers.access_token))[0]!.id
    const refused = await r.end(mine.access_token, `/users/me/sessions/${strangerId}`)
    expect([refused.statusCode, refused.json()]).toEqual([404, { detail: 'Not Found' }])
    expect(await t.me(strangers.access_token)).toBe(200)
    expect((await r.end(mine.access_token, '/users/me/sessions/not-a-session')).statusCode).toBe(404)
  })

  it('ending a session is audited as session.revoked, with the superuser as the actor when it ends another user\'s', async () => {
    const admin = await t.createUser({ is_superuser: true })
    const adminToken = (await r.login(admin.user, admin.password)).access_token
    const { user, password } = await t.createUser()
    const mine = await r.login(user, password, { userAgent: FIREFOX })
    await r.login(user, password)
    const [first, second] = (await r.list(mine.access_token)).map((session) => session.id)
    audited.length = 0
    expect((await r.end(mine.access_token, `/users/me/sessions/${first}`)).statusCode).toBe(204)
    expect((await r.end(adminToken, `/users/${user.id}/sessions/${second}`)).statusCode).toBe(204)
    expect((await r.end(adminToken, `/users/${user.id}/sessions/${second}`)).statusCode).toBe(404)
    expect(audited).toMatchObject([
      { type: 'session.revoked', user_id: user.id, actor_id: null, data: { session_id: first } },
      { type: 'session.revoked', user_id: user.id, actor_id: admin.user.id, data: { session_id: second } },
    ])
    expect(audited).toHaveLength(2)
  })

  it('the current session can end itself', async () => {
    const { user, password } = await t.createUser()
    const { access_token: token } = await r.login(user, password)
    const [session] = await r.list(token)
    expect((await r.end(token, `/users/me/sessions/${session!.id}`)).statusCode).toBe(204)
    expect(await t.me(token)).toBe(401)
  })

  it('logout, log out everywhere and a password reset end the sessions\' records too', async () => {
    const { user, password } = await t.createUser()
    const a = await r.login(user, password)
    const b = await r.login(user, password)
    const c = await r.login(user, password)
    expect(await r.list(a.access_token)).toHaveLength(3)
    expect((await t.post('/auth/jwt/logout', { token: b.access_token })).statusCode).toBe(204)
    expect((await r.list(a.access_token)).map((session) => session.current)).toEqual(expect.arrayContaining([true, false]))
    expect(await r.list(a.access_token)).toHaveLength(2)
    expect((await t.post('/auth/jwt/logout-all', { token: c.access_token })).statusCode).toBe(204)
    const d = await r.login(user, password)
    expect(await r.list(d.access_token)).toHaveLength(1)
    await r.login(user, password)
    await t.resetPassword(user, 'a-brand-new-password-1')
    const e = await r.login(user, 'a-brand-new-password-1')
    expect(await r.list(e.access_token)).toHaveLength(1)
  })

  it('superusers list and end another user\'s sessions; others are refused before anything is read', async () => {
    const admin = await t.createUser({ is_superuser: true })
    const adminToken = (await r.login(admin.user, admin.password)).access_token
    const { user, password } = await t.createUser()
    const target = await r.login(user, password, { userAgent: CURL })
    const listed = await r.list(adminToken, `/users/${user.id}/sessions`)
    expect(listed).toEqual([expect.objectContaining({ user_agent: CURL, current: false })])
    const ended = await r.end(adminToken, `/users/${user.id}/sessions/${listed[0]!.id}`)
    expect(ended.statusCode, ended.body).toBe(204)
    expect(await t.me(target.access_token)).toBe(401)
    expect((await r.end(adminToken, `/users/${user.id}/sessions/${listed[0]!.id}`)).statusCode).toBe(404)
    // Another user's session id under this user's path: 404, and the session lives on.
    const adminSession = (await r.list(adminToken))[0]!.id
    expect((await r.end(adminToken, `/users/${user.id}/sessions/${adminSession}`)).statusCode).toBe(404)
    expect(await t.me(adminToken)).toBe(200)
    expect((await r.get(adminToken, `/users/${UNKNOWN_UUID}/sessions`)).statusCode).toBe(404)
    expect((await r.end(adminToken, `/users/${UNKNOWN_UUID}/sessions/x`)).statusCode).toBe(404)

    const plain = await r.login(user, password)
    expect((await r.get(plain.access_token, `/users/${admin.user.id}/sessions`)).json()).toEqual({ detail: 'Forbidden' })
    expect((await r.end(plain.access_token, `/users/${admin.user.id}/sessions/${adminSession}`)).statusCode).toBe(403)
    expect(await t.me(adminToken)).toBe(200)
    const anonymous = await t.app.inject({ method: 'GET', url: '/users/me/sessions' })
    expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { detail: 'Unauthorized' }])
    const anonymousEnd = await t.app.inject({ method: 'DELETE', url: `/users/me/sessions/${adminSession}`, payload: '{not json', headers: { 'content-type': 'application/json' } })
    expect(anonymousEnd.statusCode).toBe(401)
  })
})

describe('sessions of JWT with refresh tokens: a refresh family is a session', () => {
  let opened: OpenedStore
  let t: SessionApp
  let r: ReturnType<typeof routes>
  beforeAll(async () => {
    opened = await openSqliteStore()
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900, revocation: new MemoryRevocationStore() })
    t = await buildSessionApp({
      store: opened.store,
      strategy,
      refresh: { store: new MemoryRefreshTokenStore(), lifetimeSeconds: 86400, reuseGraceSeconds: 0 },
      sessions: { store: new KyselySessionStore({ db: opened.store.db }) },
    })
    r = routes(t)
  })
  afterAll(async () => {
    await t.close()
    await opened.drop()
  })

  const refresh = (token: string) => t.post('/auth/jwt/refresh', { json: { refresh_token: token } })

  it('a refresh keeps one session, now current with the new access token; ending it ends the family and its access tokens', async () => {
    const { user, password } = await t.createUser()
    const login = await r.login(user, password, { userAgent: FIREFOX })
    const [started] = await r.list(login.access_token)
    expect(Date.parse(started!.expires_at!) - Date.parse(started!.created_at)).toBe(86400 * 1000)
    const refreshed = await refresh(login.refresh_token!)
    expect(refreshed.statusCode, refreshed.body).toBe(200)
    const next = refreshed.json() as { access_token: string; refresh_token: string }
    const sessions = await r.list(next.access_token)
    expect(sessions).toEqual([expect.objectContaining({ id: started!.id, user_agent: FIREFOX, current: true })])
    expect((await r.list(login.access_token))[0]!.current).toBe(false)

    const other = await r.login(user, password)
    expect((await r.end(other.access_token, `/users/me/sessions/${started!.id}`)).statusCode).toBe(204)
    expect(await t.me(next.access_token)).toBe(401)
    expect(await t.me(login.access_token)).toBe(401)
    expect((await refresh(next.refresh_token)).statusCode).toBe(401)
    expect(await t.me(other.access_token)).toBe(200)
    expect(await r.list(other.access_token)).toHaveLength(1)
  })

  it('a reused refresh token ends the session, record included', async () => {
    const { user, password } = await t.createUser()
    const login = await r.login(user, password)
    const witness = await r.login(user, password)
    expect((await refresh(login.refresh_token!)).statusCode).toBe(200)
    expect((await refresh(login.refresh_token!)).statusCode).toBe(401)
    expect(await r.list(witness.access_token)).toEqual([expect.objectContaining({ current: true })])
  })
})

describe('pure JWT (no refresh tokens): no session on the server', () => {
  let opened: OpenedStore
  let t: SessionApp
  let r: ReturnType<typeof routes>
  beforeAll(async () => {
    opened = await openSqliteStore()
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900 })
    t = await buildSessionApp({ store: opened.store, strategy, sessions: { store: new KyselySessionStore({ db: opened.store.db }) } })
    r = routes(t)
  })
  afterAll(async () => {
    await t.close()
    await opened.drop()
  })

  it('answers an empty list, to the user and to superusers, and a 404 to any id', async () => {
    const { user, password } = await t.createUser()
    const { access_token: token } = await r.login(user, password)
    expect(await r.list(token)).toEqual([])
    const admin = await t.createUser({ is_superuser: true })
    const adminToken = (await r.login(admin.user, admin.password)).access_token
    expect(await r.list(adminToken, `/users/${user.id}/sessions`)).toEqual([])
    expect((await r.end(token, '/users/me/sessions/AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404)
    expect(await t.me(token)).toBe(200)
    // Logging out still ends the token, as without sessions.
    expect((await t.post('/auth/jwt/logout', { token })).statusCode).toBe(204)
    expect(await t.me(token)).toBe(401)
  })
})

describe('session recording is opt-in', () => {
  it('usersRoutes({ sessions: true }) needs the sessions option', async () => {
    const opened = await openSqliteStore()
    try {
      const strategy = new DatabaseStrategy({ accessTokenDb: opened.store.accessTokens, lifetimeSeconds: 3600 })
      const t = await buildSessionApp({ store: opened.store, strategy })
      const users = fastifyUsers({ db: opened.store.users, backends: [t.bearer], manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING } })
      const build = () => users.usersRoutes({ sessions: true })
      expect(build).toThrow(ConfigurationError)
      expect(build).toThrow(expect.objectContaining({ code: 'SESSIONS_NOT_CONFIGURED' }))
      // Without the option the routes do not exist, and logins record nothing.
      const { user, password } = await t.createUser()
      const token = await t.token(user, password)
      expect((await t.app.inject({ method: 'GET', url: '/users/me/sessions', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(404)
      expect(await new KyselySessionStore({ db: opened.store.db }).list(user.id)).toEqual([])
      await t.close()
    } finally {
      await opened.drop()
    }
  })

  it('a request records its session\'s use after the response, at most once per interval', async () => {
    const opened = await openSqliteStore()
    const store = new KyselySessionStore({ db: opened.store.db })
    const touches: number[] = []
    const counting = withTouch(store, async (userId, hash, at) => {
      touches.push(at)
      await store.touch(userId, hash, at)
    })
    const strategy = new DatabaseStrategy({ accessTokenDb: opened.store.accessTokens, lifetimeSeconds: 3600 })
    const t = await buildSessionApp({ store: opened.store, strategy, sessions: { store: counting, touchIntervalSeconds: 1 } })
    try {
      const { user, password } = await t.createUser()
      const token = await t.token(user, password)
      for (let i = 0; i < 3; i++) expect(await t.me(token)).toBe(200)
      await settle(50)
      // The login itself counts as a use: nothing to write within the interval.
      expect(touches).toEqual([])
      await settle(1100)
      for (let i = 0; i < 5; i++) expect(await t.me(token)).toBe(200)
      await settle(50)
      expect(touches).toHaveLength(1)
      const [session] = await routes(t).list(token)
      expect(Date.parse(session!.last_used_at) / 1000).toBe(touches[0])
      expect(Date.parse(session!.last_used_at)).toBeGreaterThan(Date.parse(session!.created_at))
    } finally {
      await t.close()
      await opened.drop()
    }
  })

  it('a pure JWT request writes nothing', async () => {
    const opened = await openSqliteStore()
    const store = new KyselySessionStore({ db: opened.store.db })
    let touches = 0
    const counting = withTouch(store, async () => void touches++)
    const t = await buildSessionApp({
      store: opened.store, strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900 }), sessions: { store: counting, touchIntervalSeconds: 1 },
    })
    try {
      const { user, password } = await t.createUser()
      const token = await t.token(user, password)
      await settle(1100)
      for (let i = 0; i < 3; i++) expect(await t.me(token)).toBe(200)
      await settle(50)
      expect(touches).toBe(0)
    } finally {
      await t.close()
      await opened.drop()
    }
  })
})
