/**
 * A small app for route tests: the full example's setup (bearer JWT at /auth/jwt, cookie JWT at
 * /auth/cookie, the other routers at /auth and /users) on a fresh SQLite file, with every hook
 * recorded. Hashing uses light argon2id parameters so that tests stay fast; the default
 * parameters have tests of their own.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { SignJWT, type JWTPayload } from 'jose'
import { expect } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  CookieTransport,
  JwtStrategy,
  PasswordHelper,
  fastifyUsers,
  type FastifyUsers,
  type FastifyUsersOptions,
  type UserRecord,
} from '../../src/index.ts'
import { sqliteUserDatabase, type FieldDefinitions, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import type { UsersRoutesOptions } from '../../src/fastify/routes/users.ts'

export const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123'
export const FAST_HASHING = new PasswordHelper({ memoryCost: 1024, timeCost: 1, parallelism: 1 })
export const UNKNOWN_UUID = 'd35d213e-f3d8-4f08-954a-7e0d1bea286f'

export interface HookCall {
  hook: string
  args: unknown[]
}

export interface CreatedUser {
  user: UserRecord
  password: string
  /** A bearer token of the user (minted for inactive and unverified users too). */
  token: string
}

export interface TestApp {
  app: FastifyInstance
  users: FastifyUsers
  store: KyselyUserStore
  bearer: AuthenticationBackend
  cookie: AuthenticationBackend
  calls: HookCall[]
  /** Resolves with the first call of `hook` after `previous` calls of it (hooks may run after the response). */
  waitForHook(hook: string, previous?: number): Promise<HookCall>
  callsOf(hook: string): HookCall[]
  /** Creates a user directly (unsafe create), with a known password, then forgets the hook calls. */
  createUser(fields?: Partial<UserRecord> & { password?: string }): Promise<CreatedUser>
  login(email: string, password: string): Promise<string>
  close(): Promise<void>
}

let counter = 0
export const uniqueEmail = (tag = 'user') => `${tag}-${process.pid}-${++counter}-${Date.now()}@example.com`

export interface TestBackends {
  bearer: AuthenticationBackend
  cookie: AuthenticationBackend
}

export interface TestAppOptions {
  requiresVerification?: boolean
  manager?: Partial<FastifyUsersOptions['manager']>
  fields?: FastifyUsersOptions['fields']
  /** The `twoFactor` option; its routes are then registered at /auth/2fa. */
  twoFactor?: FastifyUsersOptions['twoFactor']
  /** The `magicLink` option; its request route is then registered at /auth. */
  magicLink?: FastifyUsersOptions['magicLink']
  /** The `passkeys` option; its routes are then registered at /auth/passkey and /users. */
  passkeys?: FastifyUsersOptions['passkeys']
  /** The `emailChange` option; its confirm route is then registered at /auth. */
  emailChange?: FastifyUsersOptions['emailChange']
  /** Custom columns of the SQLite store (ignored when `store` is given). */
  storeFields?: FieldDefinitions
  /** An already opened store to serve instead of a fresh SQLite file; `close()` destroys it. */
  store?: KyselyUserStore
  /** Fastify's logger option (see `captureLog`). */
  logger?: FastifyServerOptions['logger']
  /** Runs before the routes are registered (e.g. @fastify/swagger, which must see them). */
  before?: (app: FastifyInstance, backends: TestBackends) => void | Promise<void>
  /** The `roles` option of fastifyUsers. */
  roles?: FastifyUsersOptions['roles']
  /** The `apiKeys` option of fastifyUsers. */
  apiKeys?: FastifyUsersOptions['apiKeys']
  /** The `usernames` option of fastifyUsers. */
  usernames?: FastifyUsersOptions['usernames']
  /** The `security` option of fastifyUsers. */
  security?: FastifyUsersOptions['security']
  /** The `audit` option of fastifyUsers. */
  audit?: FastifyUsersOptions['audit']
  /** Further options of the users routes (`list`, `bans`). */
  usersRoutes?: Omit<UsersRoutesOptions, 'requiresVerification'>
  /** Extra routes registered on the app. */
  extend?: (app: FastifyInstance, users: FastifyUsers, backends: TestBackends) => void | Promise<void>
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const store =
    options.store ??
    (await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-')), 'users.db'), fields: options.storeFields }))
  const strategy = new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 })
  const bearer = new AuthenticationBackend({ name: 'jwt', transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }), strategy })
  const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport({ cookieMaxAge: 3600 }), strategy })
  const calls: HookCall[] = []
  const waiters: Array<() => void> = []
  const record = (hook: string) => (...args: unknown[]) => {
    calls.push({ hook, args })
    for (const wake of waiters.splice(0)) wake()
  }
  const users = fastifyUsers({
    db: store.users,
    backends: [bearer, cookie],
    fields: options.fields,
    twoFactor: options.twoFactor,
    magicLink: options.magicLink,
    emailChange: options.emailChange,
    passkeys: options.passkeys,
    roles: options.roles,
    apiKeys: options.apiKeys,
    usernames: options.usernames,
    security: options.security,
    audit: options.audit,
    manager: {
      resetPasswordTokenSecret: SECRET,
      verificationTokenSecret: SECRET,
      passwordHelper: FAST_HASHING,
      onAfterRegister: record('onAfterRegister'),
      onAfterUpdate: record('onAfterUpdate'),
      onAfterLogin: record('onAfterLogin'),
      onAfterRequestVerify: record('onAfterRequestVerify'),
      onAfterVerify: record('onAfterVerify'),
      onAfterForgotPassword: record('onAfterForgotPassword'),
      onAfterResetPassword: record('onAfterResetPassword'),
      onBeforeDelete: record('onBeforeDelete'),
      onAfterDelete: record('onAfterDelete'),
      ...options.manager,
    },
  })
  const app = Fastify({ logger: options.logger ?? false })
  await options.before?.(app, { bearer, cookie })
  const requiresVerification = options.requiresVerification ?? false
  await app.register(users.authRoutes(bearer, { requiresVerification }), { prefix: '/auth/jwt' })
  await app.register(users.authRoutes(cookie, { requiresVerification }), { prefix: '/auth/cookie' })
  await app.register(users.registerRoutes(), { prefix: '/auth' })
  await app.register(users.resetPasswordRoutes(), { prefix: '/auth' })
  await app.register(users.verifyRoutes(), { prefix: '/auth' })
  await app.register(users.usersRoutes({ requiresVerification, ...options.usersRoutes }), { prefix: '/users' })
  if (options.twoFactor !== undefined) await app.register(users.twoFactorRoutes(), { prefix: '/auth/2fa' })
  if (options.magicLink !== undefined) await app.register(users.magicLinkRoutes(), { prefix: '/auth' })
  if (options.emailChange !== undefined) await app.register(users.emailChangeRoutes(), { prefix: '/auth' })
  if (options.passkeys !== undefined) {
    await app.register(users.passkeyRoutes({ requiresVerification }), { prefix: '/auth/passkey' })
    await app.register(users.passkeyAccountRoutes({ requiresVerification }), { prefix: '/users' })
  }
  await options.extend?.(app, users, { bearer, cookie })
  await app.ready()

  const callsOf = (hook: string) => calls.filter((call) => call.hook === hook)
  async function waitForHook(hook: string, previous = 0): Promise<HookCall> {
    const deadline = Date.now() + 3000
    while (callsOf(hook).length <= previous) {
      if (Date.now() > deadline) throw new Error(`${hook} was not called`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
    return callsOf(hook)[previous]!
  }
  async function login(email: string, password: string): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: email, password }) })
    expect(res.statusCode, res.body).toBe(200)
    return res.json().access_token
  }
  async function createUser(fields: Partial<UserRecord> & { password?: string } = {}): Promise<CreatedUser> {
    const password = fields.password ?? `pw-${Math.random().toString(36).slice(2)}-long`
    const user = await users.manager.create({ email: uniqueEmail(), ...fields, password } as never)
    // Minted, not logged in: inactive and unverified users need tokens too, for the 401/403 cases.
    const token = await bearer.strategy.writeToken(user)
    calls.length = 0
    return { user, password, token }
  }
  return {
    app, users, store, bearer, cookie, calls, waitForHook, callsOf, createUser, login,
    close: async () => {
      await app.close()
      await store.destroy()
    },
  }
}

/** `application/x-www-form-urlencoded` request options for inject. */
export function form(fields: Record<string, string>) {
  return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() }
}

/** The `Authorization` header of a bearer token. */
export function bearerAuth(token: string) {
  return { authorization: `Bearer ${token}` }
}

/**
 * An HS256 token signed as PyJWT signs FastAPI Users' tokens: `exp` in `lifetimeSeconds`
 * (negative: already expired; `null`: no `exp`), with the test SECRET unless told otherwise.
 */
export function signToken(claims: JWTPayload, options: { secret?: string; lifetimeSeconds?: number | null } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  const lifetime = options.lifetimeSeconds === undefined ? 3600 : options.lifetimeSeconds
  if (lifetime !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + lifetime)
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET))
}

/** Lets hooks that run after the response (forgot-password, request-verify-token) have their turn. */
export async function settle(milliseconds = 200): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, milliseconds))
}

/** A Fastify logger writing into memory, for tests that read the server log. */
export function captureLog(): { logger: FastifyServerOptions['logger']; entries(): Array<Record<string, unknown>>; text(): string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  const text = () => chunks.join('')
  return {
    logger: { level: 'info', stream },
    text,
    entries: () => text().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
