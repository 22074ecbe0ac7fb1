/**
 * Test apps for the session features (strategies, revocation, refresh tokens): the full
 * example's routes (bearer backend at /auth/jwt, cookie backend at /auth/cookie, both on one
 * strategy) over a store the test opens: a temp SQLite file, a fresh PostgreSQL schema or
 * MariaDB database, or any other user store.
 */
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  fastifyUsers,
  type FastifyUsers,
  type FastifyUsersOptions,
  type RefreshOptions,
  type SessionsOptions,
  type Strategy,
  type UserRecord,
} from '../../src/index.ts'
import { mysqlUserDatabase, postgresUserDatabase, sqliteUserDatabase, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import { FAST_HASHING, SECRET, form, uniqueEmail } from './app.ts'
import { scratchMysqlDatabase, scratchPostgresSchema } from './services.ts'

export interface OpenedStore {
  store: KyselyUserStore
  /** Closes the store and deletes its database. */
  drop(): Promise<void>
}

export async function openSqliteStore(): Promise<OpenedStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-users-sessions-'))
  const store = await sqliteUserDatabase({ filename: join(dir, 'users.db') })
  return {
    store,
    drop: async () => {
      await store.destroy()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export async function openPostgresStore(adminUrl: string): Promise<OpenedStore> {
  const scratch = await scratchPostgresSchema(adminUrl)
  const store = await postgresUserDatabase({ connectionString: scratch.url, pool: { max: 4 } })
  return {
    store,
    drop: async () => {
      await store.destroy()
      await scratch.drop()
    },
  }
}

export async function openMysqlStore(adminUrl: string): Promise<OpenedStore> {
  const scratch = await scratchMysqlDatabase(adminUrl)
  const store = await mysqlUserDatabase({ uri: scratch.url, pool: { connectionLimit: 4 } })
  return {
    store,
    drop: async () => {
      await store.destroy()
      await scratch.drop()
    },
  }
}

export interface SessionAppOptions {
  /** Any user store (Kysely, MongoDB): only its users are served. */
  store: { users: FastifyUsersOptions['db'] }
  strategy: Strategy
  refresh?: RefreshOptions
  revokeOtherTokensOnPasswordChange?: boolean
  /** Session recording, with the sessions routes on the users routes. */
  sessions?: SessionsOptions
  /** The manager's `onAuditEvent` hook. */
  onAuditEvent?: FastifyUsersOptions['manager']['onAuditEvent']
}

export interface SessionApp {
  app: FastifyInstance
  users: FastifyUsers
  bearer: AuthenticationBackend
  cookie: AuthenticationBackend
  createUser(fields?: Partial<UserRecord>): Promise<{ user: UserRecord; password: string }>
  /** Logs in on a backend; expects success. */
  login(user: { email: string }, password: string, backend?: 'jwt' | 'cookie'): Promise<LightMyRequestResponse>
  /** Logs in with the bearer backend and returns the access token. */
  token(user: { email: string }, password: string): Promise<string>
  /** The status of `GET /users/me` with a bearer token. */
  me(token: string): Promise<number>
  post(url: string, options?: { token?: string; cookie?: string; json?: unknown }): Promise<LightMyRequestResponse>
  /** Resets the password through forgot/reset, over HTTP for the reset. */
  resetPassword(user: UserRecord, password: string): Promise<void>
  close(): Promise<void>
}

export async function buildSessionApp(options: SessionAppOptions): Promise<SessionApp> {
  const bearer = new AuthenticationBackend({
    name: 'jwt',
    transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy: options.strategy,
    refresh: options.refresh,
  })
  const cookie = new AuthenticationBackend({
    name: 'cookie',
    transport: new CookieTransport({ cookieMaxAge: 3600 }),
    strategy: options.strategy,
    refresh: options.refresh,
  })
  const users = fastifyUsers({
    db: options.store.users,
    backends: [bearer, cookie],
    manager: {
      resetPasswordTokenSecret: SECRET,
      verificationTokenSecret: SECRET,
      passwordHelper: FAST_HASHING,
      revokeOtherTokensOnPasswordChange: options.revokeOtherTokensOnPasswordChange,
      onAuditEvent: options.onAuditEvent,
    },
    sessions: options.sessions,
  })
  const app = Fastify()
  await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
  await app.register(users.authRoutes(cookie), { prefix: '/auth/cookie' })
  await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
  await app.register(users.usersRoutes({ sessions: options.sessions !== undefined }), { prefix: '/users' })
  await app.ready()

  const post: SessionApp['post'] = (url, { token, cookie: cookieHeader, json } = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(cookieHeader === undefined ? {} : { cookie: cookieHeader }),
      },
      ...(json === undefined ? {} : { payload: json as object }),
    })
  const login: SessionApp['login'] = async (user, password, backend = 'jwt') => {
    const res = await app.inject({ method: 'POST', url: `/auth/${backend}/login`, ...form({ username: user.email, password }) })
    expect(res.statusCode, res.body).toBe(backend === 'jwt' ? 200 : 204)
    return res
  }
  return {
    app,
    users,
    bearer,
    cookie,
    async createUser(fields = {}) {
      const password = `pw-${Math.random().toString(36).slice(2)}-long`
      const user = await users.manager.create({ email: uniqueEmail('session'), ...fields, password } as never)
      return { user, password }
    },
    login,
    token: async (user, password) => (await login(user, password)).json().access_token as string,
    me: async (token) => (await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${token}` } })).statusCode,
    post,
    async resetPassword(user, password) {
      const token = await users.manager.forgotPassword(user)
      const res = await post('/auth/reset-password', { json: { token, password } })
      expect(res.statusCode, res.body).toBe(200)
    },
    close: () => app.close(),
  }
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieHeader(res: LightMyRequestResponse): string {
  const values = res.headers['set-cookie']
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values]
  return list.map((value) => value.split(';')[0]).join('; ')
}
