/**
 * The full example's routes (bearer JWT at /auth/jwt, cookie JWT at /auth/cookie, the other
 * routers at /auth and /users) on a fresh SQLite file, built with the `security` option and
 * Fastify server options a test chooses: the security suites need both, which the route
 * tests' app does not pass through.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import {
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  JwtStrategy,
  fastifyUsers,
  type FastifyUsers,
  type FastifyUsersOptions,
  type UserRecord,
  type UsersRoutesOptions,
} from '../../src/index.ts'
import { sqliteUserDatabase, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import { FAST_HASHING, SECRET, uniqueEmail } from '../support/app.ts'

export interface SecureAppOptions {
  security?: FastifyUsersOptions['security']
  manager?: Partial<FastifyUsersOptions['manager']>
  /** Fastify's own options (trustProxy, router options, logger). */
  server?: FastifyServerOptions
  /** Wraps the user database the routes see (to make it fail, say). */
  wrapDb?: (db: KyselyUserStore['users']) => KyselyUserStore['users']
  /** Options of the users routes. */
  usersRoutes?: UsersRoutesOptions
}

export interface SecureApp {
  app: FastifyInstance
  users: FastifyUsers
  store: KyselyUserStore
  /** Creates a user directly; `password` defaults to a fresh, valid one. */
  createUser(fields?: Partial<UserRecord> & { password?: string }): Promise<{ user: UserRecord; password: string }>
  close(): Promise<void>
}

export async function buildSecureApp(options: SecureAppOptions = {}): Promise<SecureApp> {
  const store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-security-')), 'users.db') })
  const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 })
  const bearer = new AuthenticationBackend({ name: 'jwt', transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }), strategy })
  const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport({ cookieMaxAge: 3600 }), strategy })
  const users = fastifyUsers({
    db: options.wrapDb ? options.wrapDb(store.users) : store.users,
    backends: [bearer, cookie],
    security: options.security,
    manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING, ...options.manager },
  })
  const app = Fastify({ logger: false, ...options.server })
  await app.register(users.authRoutes(bearer), { prefix: '/auth/jwt' })
  await app.register(users.authRoutes(cookie), { prefix: '/auth/cookie' })
  await app.register(users.registerRoutes(), { prefix: '/auth' })
  await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
  await app.register(users.verifyRoutes(), { prefix: '/auth' })
  await app.register(users.usersRoutes(options.usersRoutes), { prefix: '/users' })
  await app.ready()
  return {
    app,
    users,
    store,
    async createUser(fields = {}) {
      const password = fields.password ?? `pw-${Math.random().toString(36).slice(2)}-long`
      const user = await users.manager.create({ email: uniqueEmail('sec'), ...fields, password } as never)
      return { user, password }
    },
    close: async () => {
      await app.close()
      await store.destroy()
    },
  }
}

/** A login request for inject, from `remoteAddress` (127.0.0.1 by default). */
export function loginRequest(username: string, password: string, extra: { backend?: string; remoteAddress?: string; headers?: Record<string, string> } = {}) {
  return {
    method: 'POST' as const,
    url: `/auth/${extra.backend ?? 'jwt'}/login`,
    remoteAddress: extra.remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra.headers },
    body: new URLSearchParams({ username, password }).toString(),
  }
}
