/**
 * The `currentUser()` guard on an application's own route, whose error handler is the
 * application's (here Fastify's default): every refusal the library raises while
 * authenticating is still answered in the library's `{"detail": …}` shape, by the guard itself.
 * The cross-site cookie check's 403 (issue 12) and a store's 503 (deliberate difference 11).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  fastifyUsers,
  JwtStrategy,
  MemoryRevocationStore,
  ServiceUnavailableError,
  type RevocationState,
} from '../src/index.ts'
import { sqliteUserDatabase, type KyselyUserStore } from '../src/db/kysely/index.ts'
import { FAST_HASHING, SECRET } from './support/app.ts'

const HOST = 'api.example.com'

/** A revocation store that becomes unreachable on demand, as a Redis or database going away. */
class FlakyRevocationStore extends MemoryRevocationStore {
  down = false

  override async check(userId: string, tokenKey: string): Promise<RevocationState> {
    if (this.down) throw new ServiceUnavailableError({ retryAfterSeconds: 2, cause: new Error('connect ECONNREFUSED 10.0.0.7:6379') })
    return super.check(userId, tokenKey)
  }
}

describe("the guard's refusals on an application route", () => {
  let app: FastifyInstance
  let store: KyselyUserStore
  const revocation = new FlakyRevocationStore()
  let cookie: string
  let bearer: string

  beforeAll(async () => {
    store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-')), 'users.db') })
    const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation })
    const jwt = new AuthenticationBackend({ name: 'jwt', transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }), strategy })
    const cookieBackend = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport({ cookieMaxAge: 3600 }), strategy })
    const users = fastifyUsers({
      db: store.users,
      backends: [jwt, cookieBackend],
      manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING },
    })
    app = Fastify()
    await app.register(users.authRoutes(jwt), { prefix: '/auth/jwt' })
    await app.register(users.authRoutes(cookieBackend), { prefix: '/auth/cookie' })
    app.post('/app/notes', { onRequest: users.currentUser({ active: true }) }, async (request) => ({ owner: request.user.id }))
    await app.ready()
    await users.manager.create({ email: 'owner@example.com', password: 'a long enough password' })
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: HOST }
    const payload = 'username=owner%40example.com&password=a+long+enough+password'
    const cookieLogin = await app.inject({ method: 'POST', url: '/auth/cookie/login', headers: form, payload })
    cookie = /fastapiusersauth=([^;]+)/.exec(String(cookieLogin.headers['set-cookie']))![1]!
    bearer = (await app.inject({ method: 'POST', url: '/auth/jwt/login', headers: form, payload })).json().access_token
  })
  afterAll(async () => {
    await app.close()
    await store.destroy()
  })

  const postNote = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/app/notes', headers: { host: HOST, ...headers }, payload: {} })

  it('lets a same-site cookie request through (the route works)', async () => {
    const res = await postNote({ cookie: `fastapiusersauth=${cookie}`, origin: `https://${HOST}` })
    expect(res.statusCode).toBe(200)
  })

  it('answers a cross-site cookie request 403 {"detail":"Forbidden"}, not Fastify\'s default body', async () => {
    const res = await postNote({ cookie: `fastapiusersauth=${cookie}`, origin: 'https://evil.example' })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toEqual({ detail: 'Forbidden' })
  })

  it('answers 401 {"detail":"Unauthorized"} without a token', async () => {
    const res = await postNote({})
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ detail: 'Unauthorized' })
  })

  it('answers a store outage 503 with Retry-After and {"detail":"SERVICE_UNAVAILABLE"}, nothing of the driver', async () => {
    revocation.down = true
    try {
      const res = await postNote({ authorization: `Bearer ${bearer}` })
      expect(res.statusCode).toBe(503)
      expect(res.headers['retry-after']).toBe('2')
      expect(res.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
      expect(res.body).not.toMatch(/ECONNREFUSED|10\.0\.0\.7/)
    } finally {
      revocation.down = false
    }
    expect((await postNote({ authorization: `Bearer ${bearer}` })).statusCode).toBe(200)
  })
})
