/**
 * A PostgreSQL primary and a streaming replica of their own (`pg_basebackup -R`), with replay on
 * the replica paused (`pg_wal_replay_pause()`) so that it lags for as long as the test wants.
 * The store's read pool is on the replica: user lists and a superuser's `GET /users/{id}` are
 * seen to come from it (a user registered meanwhile is missing there), while everything that
 * decides authentication reads the primary: a logout, a deactivation, a password change and a
 * password reset each take effect at once, with and without the auth cache, never undone by the
 * replica's stale rows. Then the example with DATABASE_READ_URL, as deployed.
 */
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  cachedRevocationStore,
  cachedUserDatabase,
  fastifyUsers,
  JwtStrategy,
  openAuthCache,
  type AuthCache,
  type FastifyUsers,
  type RevocationStore,
  type UserDatabase,
  type UserRecord,
} from '../../src/index.ts'
import { KyselyRevocationStore, postgresInvalidationChannel, postgresUserDatabase, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import { FAST_HASHING, SECRET, form, uniqueEmail } from '../support/app.ts'
import { underCi } from '../support/services.ts'
import { startExampleServer, type ExampleServer } from './support/example-server.ts'
import {
  hasBinary,
  postgresBinaries,
  queryPostgres,
  startPrivatePostgres,
  startPrivatePostgresReplica,
  type PrivateService,
} from './support/private-services.ts'

const bin = postgresBinaries()
const missing = bin === null ? 'no PostgreSQL binaries under /usr/lib/postgresql' : hasBinary('runuser') ? null : 'runuser is missing'
const title = `PostgreSQL read replica${missing === null || underCi ? '' : ` (skipped: ${missing})`}`

let primary: PrivateService | undefined
let replica: PrivateService | undefined
let store: KyselyUserStore | undefined

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const lsn = await queryPostgres(bin!, primary!.port, 'SELECT pg_current_wal_lsn()')
  const deadline = Date.now() + 30_000
  while ((await queryPostgres(bin!, replica!.port, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`)) !== 't') {
    if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function pauseReplay(): Promise<void> {
  await caughtUp()
  await queryPostgres(bin!, replica!.port, 'SELECT pg_wal_replay_pause()')
  while ((await queryPostgres(bin!, replica!.port, 'SELECT pg_get_wal_replay_pause_state()')) !== 'paused') {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function resumeReplay(): Promise<void> {
  await queryPostgres(bin!, replica!.port, 'SELECT pg_wal_replay_resume()')
  await caughtUp()
}

describe.skipIf(missing !== null && !underCi)(title, () => {
  beforeAll(async () => {
    if (missing !== null) throw new Error(`the read-replica test needs the PostgreSQL server binaries under CI: ${missing}`)
    primary = await startPrivatePostgres(bin!)
    replica = await startPrivatePostgresReplica(bin!, primary.port)
    store = await postgresUserDatabase({ connectionString: primary.url, readConnectionString: replica.url, pool: { max: 4 } })
    await caughtUp()
  }, 180_000)

  afterAll(async () => {
    await store?.destroy()
    await replica?.dispose()
    await primary?.dispose()
  }, 120_000)

  for (const withCache of [false, true]) {
    describe(withCache ? 'through the auth cache' : 'without a cache', () => {
      let t: ReplicaApp

      beforeAll(async () => {
        t = await buildReplicaApp(store!, withCache)
      })
      afterAll(() => t?.close())

      it('serves lists and GET /users/{id} from the replica, and logins, /me and writes from the primary', async () => {
        const tag = `fresh-${withCache ? 'c' : 'n'}-${Date.now()}`
        await pauseReplay()
        try {
          const email = `${tag}@example.com`
          const registered = await t.call('POST', '/auth/register', { json: { email, password: PASSWORD } })
          expect(registered.statusCode, registered.body).toBe(201)
          const id = registered.json().id as string

          // The replica has not replayed the insert: it lists nobody and knows no such id.
          const listed = await t.call('GET', `/users?email_prefix=${tag}&include_total=true`, { token: t.admin })
          expect(listed.statusCode, listed.body).toBe(200)
          expect(listed.json()).toMatchObject({ items: [], total: 0 })
          expect((await t.call('GET', `/users/${id}`, { token: t.admin })).statusCode).toBe(404)

          // The primary has it: login, the guard's lookup, and a superuser's write.
          const token = await t.token(email, PASSWORD)
          const me = await t.call('GET', '/users/me', { token })
          expect(me.statusCode).toBe(200)
          expect(me.json()).toMatchObject({ id, email })
          const patched = await t.call('PATCH', `/users/${id}`, { token: t.admin, json: { is_verified: true } })
          expect(patched.statusCode, patched.body).toBe(200)
          expect(patched.json()).toMatchObject({ id, is_verified: true })
        } finally {
          await resumeReplay()
        }
        const listed = await t.call('GET', `/users?email_prefix=${tag}`, { token: t.admin })
        expect(listed.json().items).toEqual([expect.objectContaining({ email: `${tag}@example.com`, is_verified: true })])
        expect((await t.call('GET', `/users/${listed.json().items[0].id}`, { token: t.admin })).statusCode).toBe(200)
      })

      it('never serves a logout, deactivation, password change or password reset stale while replay is paused', async () => {
        const [loggedOut, deactivated, changed, reset] = await Promise.all([t.user(), t.user(), t.user(), t.user()])
        const tokens = {
          loggedOut: await t.token(loggedOut.email, PASSWORD),
          deactivated: await t.token(deactivated.email, PASSWORD),
          changed: await t.token(changed.email, PASSWORD),
          changedOther: await t.token(changed.email, PASSWORD),
          reset: await t.token(reset.email, PASSWORD),
        }
        // Every token works, and (with the cache) every user and revocation state is cached.
        for (const token of Object.values(tokens)) expect(await t.me(token)).toBe(200)
        const resetToken = await t.users.manager.forgotPassword(reset)

        await pauseReplay()
        try {
          expect((await t.call('POST', '/auth/jwt/logout', { token: tokens.loggedOut })).statusCode).toBe(204)
          expect(await t.me(tokens.loggedOut)).toBe(401)

          const patched = await t.call('PATCH', `/users/${deactivated.id}`, { token: t.admin, json: { is_active: false } })
          expect(patched.statusCode, patched.body).toBe(200)
          expect(await t.me(tokens.deactivated)).toBe(401)
          expect((await t.login(deactivated.email, PASSWORD)).json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })

          const newPassword = 'a-new-password-for-the-primary'
          const change = await t.call('PATCH', '/users/me', { token: tokens.changed, json: { password: newPassword } })
          expect(change.statusCode, change.body).toBe(200)
          expect(await t.me(tokens.changedOther)).toBe(401)
          expect(await t.me(tokens.changed)).toBe(200)
          expect((await t.login(changed.email, PASSWORD)).statusCode).toBe(400)
          expect((await t.login(changed.email, newPassword)).statusCode).toBe(200)

          const first = await t.call('POST', '/auth/reset-password', { json: { token: resetToken, password: newPassword } })
          expect(first.statusCode, first.body).toBe(200)
          expect(await t.me(tokens.reset)).toBe(401)
          const again = await t.call('POST', '/auth/reset-password', { json: { token: resetToken, password: 'yet-another-password-1' } })
          expect(again.json()).toEqual({ detail: 'RESET_PASSWORD_BAD_TOKEN' })
          expect((await t.login(reset.email, PASSWORD)).statusCode).toBe(400)

          // Meanwhile the replica still has the old rows: the list shows the deactivated user active.
          const shown = await t.call('GET', `/users/${deactivated.id}`, { token: t.admin })
          expect(shown.json()).toMatchObject({ id: deactivated.id, is_active: true })
          expect(await queryPostgres(bin!, replica!.port, `SELECT is_active FROM "user" WHERE id = '${deactivated.id}'`)).toBe('t')
        } finally {
          await resumeReplay()
        }
        expect((await t.call('GET', `/users/${deactivated.id}`, { token: t.admin })).json()).toMatchObject({ is_active: false })
        expect(await t.me(tokens.loggedOut)).toBe(401)
        expect(await t.me(tokens.deactivated)).toBe(401)
        expect(await t.me(tokens.reset)).toBe(401)
      })
    })
  }

  describe('the example with DATABASE_READ_URL', () => {
    let server: ExampleServer | undefined
    const admin = { email: `admin-${Date.now()}@example.com`, password: 'example-admin-password' }

    beforeAll(async () => {
      server = await startExampleServer({
        DATABASE_URL: primary!.url,
        DATABASE_READ_URL: replica!.url,
        AUTH_CACHE: 'true',
        SUPERUSER_EMAIL: admin.email,
        SUPERUSER_PASSWORD: admin.password,
      })
    }, 120_000)
    afterAll(() => server?.stop())

    it('shows a superuser the replica and decides on the primary', async () => {
      const base = server!.url
      const call = (method: string, path: string, options: { token?: string; json?: unknown; form?: Record<string, string> } = {}) =>
        fetch(`${base}${path}`, {
          method,
          headers: {
            ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
            ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
            ...(options.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          },
          ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
          ...(options.form === undefined ? {} : { body: new URLSearchParams(options.form).toString() }),
        })
      const login = async (email: string, password: string) => {
        const response = await call('POST', '/auth/jwt/login', { form: { username: email, password } })
        expect(response.status).toBe(200)
        return ((await response.json()) as { access_token: string }).access_token
      }
      const adminToken = await login(admin.email, admin.password)
      await pauseReplay()
      let id: string
      try {
        const email = uniqueEmail('example-replica')
        const registered = await call('POST', '/auth/register', { json: { email, password: PASSWORD } })
        expect(registered.status).toBe(201)
        id = ((await registered.json()) as { id: string }).id
        expect((await call('GET', `/users/${id}`, { token: adminToken })).status).toBe(404)
        const token = await login(email, PASSWORD)
        expect((await call('GET', '/users/me', { token })).status).toBe(200)
        expect((await call('PATCH', `/users/${id}`, { token: adminToken, json: { is_active: false } })).status).toBe(200)
        expect((await call('GET', '/users/me', { token })).status).toBe(401)
      } finally {
        await resumeReplay()
      }
      const shown = await call('GET', `/users/${id}`, { token: adminToken })
      expect(shown.status).toBe(200)
      expect(await shown.json()).toMatchObject({ id, is_active: false })
    })
  })
})

const PASSWORD = 'replica-test-password-1'

interface ReplicaApp {
  users: FastifyUsers
  /** A superuser's token. */
  admin: string
  call(method: 'GET' | 'POST' | 'PATCH', url: string, options?: { token?: string; json?: object }): Promise<LightMyRequestResponse>
  login(email: string, password: string): Promise<LightMyRequestResponse>
  token(email: string, password: string): Promise<string>
  me(token: string): Promise<number>
  /** A new active user whose password is PASSWORD. */
  user(): Promise<UserRecord>
  close(): Promise<void>
}

/** The library's routes over the store, JWT logouts in its primary, with or without the auth cache. */
async function buildReplicaApp(store: KyselyUserStore, withCache: boolean): Promise<ReplicaApp> {
  let cache: AuthCache | null = null
  let db: UserDatabase = store.users
  let revocation: RevocationStore = new KyselyRevocationStore({ db: store.db, dialect: store.dialect })
  if (withCache) {
    cache = await openAuthCache({ channel: postgresInvalidationChannel({ connectionString: primary!.url, db: store.db }) })
    db = cachedUserDatabase(db, cache)
    revocation = cachedRevocationStore(revocation, cache)
  }
  const bearer = new AuthenticationBackend({
    name: 'jwt',
    transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600, revocation }),
  })
  const users = fastifyUsers({
    db,
    backends: [bearer],
    security: { rateLimit: false },
    manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING },
  })
  const app: FastifyInstance = Fastify()
  await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
  await app.register(users.registerRoutes(), { prefix: '/auth' })
  await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
  await app.register(users.usersRoutes({ list: true }), { prefix: '/users' })
  await app.ready()

  const call: ReplicaApp['call'] = (method, url, { token, json } = {}) =>
    app.inject({
      method,
      url,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(json === undefined ? {} : { payload: json }),
    })
  const login: ReplicaApp['login'] = (email, password) =>
    app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: email, password }) })
  const token: ReplicaApp['token'] = async (email, password) => {
    const res = await login(email, password)
    expect(res.statusCode, res.body).toBe(200)
    return res.json().access_token as string
  }
  const adminUser = await users.manager.create({ email: uniqueEmail('replica-admin'), password: PASSWORD, is_superuser: true } as never)
  return {
    users,
    admin: await token(adminUser.email, PASSWORD),
    call,
    login,
    token,
    me: async (bearerToken) => (await call('GET', '/users/me', { token: bearerToken })).statusCode,
    user: () => users.manager.create({ email: uniqueEmail('replica'), password: PASSWORD } as never),
    async close() {
      await app.close()
      await cache?.close()
    },
  }
}
