/**
 * The guard itself (src/fastify/guard.ts), on a bare Fastify app with the core's authenticator
 * and a SQLite user database: the decision table with roles and permissions, what `optional`
 * leaves on the request, what `request.authentication` holds, the listener of authenticated
 * requests, and how a failure while authenticating is answered.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiKeys } from '../src/api-keys/api-keys.ts'
import { MemoryApiKeyStore } from '../src/api-keys/memory-store.ts'
import { ApiKeyStrategy } from '../src/api-keys/strategy.ts'
import { ApiKeyTransport } from '../src/api-keys/transport.ts'
import { authenticator, type Authenticated } from '../src/authentication/authenticator.ts'
import { AuthenticationBackend } from '../src/authentication/backend.ts'
import { JwtStrategy } from '../src/authentication/strategies/jwt.ts'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { sqliteUserDatabase, type KyselyUserStore } from '../src/db/kysely/index.ts'
import { ConfigurationError, ServiceUnavailableError } from '../src/errors.ts'
import { createCurrentUser, type Authenticate, type CurrentUserOptions } from '../src/fastify/guard.ts'
import type { User } from '../src/fastify/request.ts'
import { createRoleAccess, type RoleAccess } from '../src/fastify/role-access.ts'
import { SECRET } from './support/app.ts'

const ROLES = { editor: ['posts:write', 'posts:read'], reader: ['posts:read'] } as const

let store: KyselyUserStore
let access: RoleAccess
let backend: AuthenticationBackend
let authenticate: Authenticate

beforeAll(async () => {
  store = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-guard-')), 'users.db') })
  access = createRoleAccess(ROLES, store.users)!
  backend = new AuthenticationBackend({
    name: 'jwt',
    transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
  })
  authenticate = authenticator<User>([backend], store.users) as Authenticate
})
afterAll(async () => {
  await store.destroy()
})

async function userWith(roles: string[], fields: Partial<User> = {}): Promise<{ user: User; headers: Record<string, string> }> {
  const user = await store.users.create({ email: `${crypto.randomUUID()}@example.com`, hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false, ...fields })
  await store.users.setRoles(user, roles)
  return { user, headers: { authorization: `Bearer ${await backend.strategy.writeToken(user)}` } }
}

describe('currentUser with roles and permissions', () => {
  let app: FastifyInstance
  const seen: Authenticated<User>[] = []

  beforeEach(async () => {
    seen.length = 0
    const currentUser = createCurrentUser(authenticate, access, (_request, _reply, found) => seen.push(found))
    app = Fastify()
    const guarded = (path: string, options: CurrentUserOptions) =>
      app.get(path, { onRequest: currentUser(options) }, async (request) => ({
        user: request.user === null ? null : request.user.id,
        authentication: request.authentication === undefined ? 'unset' : request.authentication === null ? null : {
          backend: request.authentication.backend.name,
          token: request.authentication.token,
          keys: Object.keys(request.authentication),
        },
      }))
    guarded('/editors', { roles: ['editor'] })
    guarded('/editors-or-readers', { roles: ['reader', 'editor'] })
    guarded('/writers', { permissions: ['posts:write'] })
    guarded('/readers-and-writers', { permissions: ['posts:read', 'posts:write'] })
    guarded('/editor-readers', { roles: ['editor'], permissions: ['posts:read'] })
    guarded('/editors-optional', { roles: ['editor'], optional: true })
    guarded('/anyone', {})
    guarded('/anyone-optional', { optional: true })
    await app.ready()
  })
  afterEach(() => app.close())

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

  it('lets a holder of one of the roles through, and refuses others 403', async () => {
    const editor = await userWith(['editor'])
    const reader = await userWith(['reader'])
    const nobody = await userWith([])
    expect((await get('/editors', editor.headers)).statusCode).toBe(200)
    expect((await get('/editors', reader.headers)).json()).toEqual({ detail: 'Forbidden' })
    expect((await get('/editors', nobody.headers)).statusCode).toBe(403)
    expect((await get('/editors-or-readers', reader.headers)).statusCode).toBe(200)
    expect((await get('/editors-or-readers', editor.headers)).statusCode).toBe(200)
    expect((await get('/editors-or-readers', nobody.headers)).statusCode).toBe(403)
    expect((await get('/editors')).statusCode).toBe(401)
  })

  it('needs every permission asked for', async () => {
    const editor = await userWith(['editor'])
    const reader = await userWith(['reader'])
    expect((await get('/writers', editor.headers)).statusCode).toBe(200)
    expect((await get('/writers', reader.headers)).statusCode).toBe(403)
    expect((await get('/readers-and-writers', editor.headers)).statusCode).toBe(200)
    expect((await get('/readers-and-writers', reader.headers)).statusCode).toBe(403)
    expect((await get('/editor-readers', editor.headers)).statusCode).toBe(200)
    expect((await get('/editor-readers', reader.headers)).statusCode).toBe(403)
  })

  it('without `active`, lets an inactive holder of the role through (roles are no activity check)', async () => {
    const inactive = await userWith(['editor'], { is_active: false })
    expect((await get('/editors', inactive.headers)).statusCode).toBe(200)
  })

  it('with optional, leaves user and authentication null for a refused user, and tells no listener', async () => {
    const reader = await userWith(['reader'])
    const refused = await get('/editors-optional', reader.headers)
    expect(refused.statusCode).toBe(200)
    expect(refused.json()).toEqual({ user: null, authentication: null })
    expect((await get('/anyone-optional')).json()).toEqual({ user: null, authentication: null })
    expect(seen).toEqual([])
  })

  it('sets the backend and the token of an authenticated request, no API key, and tells the listener once', async () => {
    const editor = await userWith(['editor'])
    const token = editor.headers.authorization!.slice('Bearer '.length)
    const response = await get('/editors-optional', editor.headers)
    expect(response.json()).toEqual({ user: editor.user.id, authentication: { backend: 'jwt', token, keys: ['backend', 'token'] } })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.user.id).toBe(editor.user.id)
    expect(seen[0]!.token).toBe(token)
    expect(seen[0]!.backend).toBe(backend)
    expect((await get('/anyone', editor.headers)).statusCode).toBe(200)
    expect(seen).toHaveLength(2)
  })

  it('tells no listener of a refused request', async () => {
    const reader = await userWith(['reader'])
    expect((await get('/editors', reader.headers)).statusCode).toBe(403)
    expect((await get('/anyone')).statusCode).toBe(401)
    expect(seen).toEqual([])
  })
})

describe('currentUser without the roles option', () => {
  it('refuses at once a guard that asks for roles or permissions', () => {
    const currentUser = createCurrentUser(authenticate)
    for (const options of [{ roles: ['editor'] }, { permissions: ['posts:read'] }, { roles: [], permissions: [] }]) {
      let thrown: unknown
      try {
        currentUser(options)
      } catch (error) {
        thrown = error
      }
      expect(thrown, JSON.stringify(options)).toBeInstanceOf(ConfigurationError)
      expect((thrown as ConfigurationError).code).toBe('ROLES_NOT_CONFIGURED')
      expect((thrown as ConfigurationError).message).toBe('currentUser({ roles, permissions }) needs the roles option of fastifyUsers')
    }
  })

  it('builds a guard without roles, which needs no role lookup', async () => {
    const currentUser = createCurrentUser(authenticate)
    const app = Fastify()
    app.get('/me', { onRequest: currentUser({ active: true }) }, async (request) => ({ user: request.user.id }))
    await app.ready()
    const someone = await userWith([])
    const response = await app.inject({ method: 'GET', url: '/me', headers: someone.headers })
    expect(response.json()).toEqual({ user: someone.user.id })
    await app.close()
  })
})

describe('currentUser when authenticating fails', () => {
  async function appFailingWith(error: unknown): Promise<FastifyInstance> {
    const currentUser = createCurrentUser(async () => {
      throw error
    })
    const app = Fastify()
    app.get('/me', { onRequest: currentUser({ optional: true }) }, async () => ({ reached: true }))
    await app.ready()
    return app
  }

  it("answers the library's own errors itself, a store outage 503 with Retry-After", async () => {
    const app = await appFailingWith(new ServiceUnavailableError({ retryAfterSeconds: 7, cause: new Error('connect ECONNREFUSED') }))
    const response = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } })
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('7')
    expect(response.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
    await app.close()
  })

  it("answers an unconverted store outage of the application's own store 503", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' })
    const app = await appFailingWith(refused)
    const response = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
    await app.close()
  })

  it("leaves any other error to the application's error handler, even with optional", async () => {
    const app = await appFailingWith(new RangeError('a bug'))
    const response = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer x' } })
    expect(response.statusCode).toBe(500)
    expect(response.json().message).toBe('a bug')
    await app.close()
  })
})

describe('currentUser with an API key', () => {
  let app: FastifyInstance
  let apiKeys: ApiKeys
  let keyStore: MemoryApiKeyStore

  beforeEach(async () => {
    keyStore = new MemoryApiKeyStore()
    apiKeys = new ApiKeys({ store: keyStore })
    const apiKeyBackend = new AuthenticationBackend({ name: 'api_key', transport: new ApiKeyTransport(), strategy: new ApiKeyStrategy(apiKeys) })
    const currentUser = createCurrentUser(authenticator<User>([backend, apiKeyBackend], store.users) as Authenticate, access)
    app = Fastify()
    const guarded = (path: string, options: CurrentUserOptions) =>
      app.get(path, { onRequest: currentUser(options) }, async (request) => ({
        user: request.user.id,
        backend: request.authentication!.backend.name,
        apiKey: request.authentication!.apiKey ?? null,
      }))
    guarded('/admin', { superuser: true })
    guarded('/writers', { permissions: ['posts:write'] })
    guarded('/readers', { permissions: ['posts:read'] })
    guarded('/editors', { roles: ['editor'] })
    await app.ready()
  })
  afterEach(() => app.close())

  async function keyOf(user: User, permissions: string[]): Promise<{ key: string; id: string }> {
    const created = await apiKeys.create(user.id, { name: 'ci', expiresAt: new Date(Date.now() + 3_600_000), permissions }, new Set(permissions))
    return { key: created.key, id: created.record.id }
  }

  it("never acts as a superuser, even its owner's", async () => {
    const admin = await userWith(['editor'], { is_superuser: true })
    const { key } = await keyOf(admin.user, ['posts:read', 'posts:write'])
    expect((await app.inject({ method: 'GET', url: '/admin', headers: admin.headers })).statusCode).toBe(200)
    const byKey = await app.inject({ method: 'GET', url: '/admin', headers: { 'x-api-key': key } })
    expect(byKey.statusCode).toBe(403)
    expect(byKey.json()).toEqual({ detail: 'Forbidden' })
  })

  it("is restricted to the key's permissions, and shows the key to the handler", async () => {
    const editor = await userWith(['editor'])
    const { key, id } = await keyOf(editor.user, ['posts:read'])
    expect((await app.inject({ method: 'GET', url: '/writers', headers: editor.headers })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/writers', headers: { 'x-api-key': key } })).statusCode).toBe(403)
    // The editor role grants more than the key allows: the key does not hold the role.
    expect((await app.inject({ method: 'GET', url: '/editors', headers: { 'x-api-key': key } })).statusCode).toBe(403)
    const readers = await app.inject({ method: 'GET', url: '/readers', headers: { 'x-api-key': key } })
    expect(readers.json()).toEqual({ user: editor.user.id, backend: 'api_key', apiKey: { id, name: 'ci', permissions: ['posts:read'] } })
    const byToken = await app.inject({ method: 'GET', url: '/readers', headers: editor.headers })
    expect(byToken.json()).toEqual({ user: editor.user.id, backend: 'jwt', apiKey: null })
  })

  it("records the key's use once the response is written", async () => {
    const reader = await userWith(['reader'])
    const { key, id } = await keyOf(reader.user, ['posts:read'])
    expect((await keyStore.get(id))!.lastUsedAt).toBeNull()
    expect((await app.inject({ method: 'GET', url: '/readers', headers: { 'x-api-key': key } })).statusCode).toBe(200)
    await vi.waitFor(async () => expect((await keyStore.get(id))!.lastUsedAt).not.toBeNull())
  })
})

describe('currentUser, the decision table of CONTRACT §4', () => {
  const GUARDS: Record<string, CurrentUserOptions> = {
    any: {},
    active: { active: true },
    verified: { verified: true },
    superuser: { superuser: true },
    all: { active: true, verified: true, superuser: true },
  }
  // Expected status per user, in the order of GUARDS.
  const TABLE: Record<string, [Partial<User>, number[]]> = {
    inactive: [{ is_active: false }, [200, 401, 403, 403, 401]],
    regular: [{}, [200, 200, 403, 403, 403]],
    verified: [{ is_verified: true }, [200, 200, 200, 403, 403]],
    superuser: [{ is_superuser: true }, [200, 200, 403, 200, 403]],
    inactiveVerifiedSuperuser: [{ is_active: false, is_verified: true, is_superuser: true }, [200, 401, 200, 200, 401]],
    everything: [{ is_verified: true, is_superuser: true }, [200, 200, 200, 200, 200]],
  }
  let app: FastifyInstance

  beforeEach(async () => {
    const currentUser = createCurrentUser(authenticate)
    app = Fastify()
    for (const [name, options] of Object.entries(GUARDS)) {
      app.get(`/${name}`, { onRequest: currentUser(options) }, async (request) => ({ user: request.user.id }))
    }
    await app.ready()
  })
  afterEach(() => app.close())

  for (const [who, [fields, statuses]] of Object.entries(TABLE)) {
    it(`answers ${who} as the table says`, async () => {
      const { user, headers } = await userWith([], fields)
      const answers = await Promise.all(Object.keys(GUARDS).map((name) => app.inject({ method: 'GET', url: `/${name}`, headers })))
      expect(answers.map((answer) => answer.statusCode)).toEqual(statuses)
      for (const answer of answers) {
        expect(answer.json()).toEqual(answer.statusCode === 200 ? { user: user.id } : { detail: answer.statusCode === 401 ? 'Unauthorized' : 'Forbidden' })
      }
    })
  }

  it('answers nobody 401 on every guard', async () => {
    for (const name of Object.keys(GUARDS)) {
      expect((await app.inject({ method: 'GET', url: `/${name}` })).statusCode).toBe(401)
      expect((await app.inject({ method: 'GET', url: `/${name}`, headers: { authorization: 'Bearer not-a-token' } })).statusCode).toBe(401)
    }
  })
})
