/**
 * API keys (issue 15): `usersRoutes({ apiKeys: true })` creates (the key shown once), lists
 * and revokes a user's keys, superusers any user's; a key authenticates the application's
 * routes through `X-API-Key` or `Authorization: Bearer fuk_…`, restricted to the intersection
 * of its permissions and its owner's current ones, never as a superuser, never on the
 * library's own account routes; bad, expired and revoked keys and keys of inactive or deleted
 * users are one 401; each key is rate limited; its last use is recorded after the response.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryApiKeyStore } from '../../src/api-keys/memory-store.ts'
import { KyselyApiKeyStore, sqliteUserDatabase } from '../../src/db/kysely/index.ts'
import { ConfigurationError, defineRoles, fastifyUsers, withNamedSchemas } from '../../src/index.ts'
import { SECRET, UNKNOWN_UUID, bearerAuth, buildTestApp, type CreatedUser, type TestApp } from '../support/app.ts'

const roles = defineRoles({ admin: ['users:read', 'users:write'], editor: ['posts:write', 'posts:read'], reader: ['posts:read'] })

describe('API keys', () => {
  let t: TestApp
  let admin: CreatedUser
  let store: KyselyApiKeyStore
  beforeAll(async () => {
    // The SQLite adapter's own store, on the users' database.
    const users = await sqliteUserDatabase({ filename: join(mkdtempSync(join(tmpdir(), 'fastify-users-api-keys-')), 'users.db') })
    store = new KyselyApiKeyStore({ db: users.db })
    t = await buildTestApp({
      store: users,
      roles,
      apiKeys: { store, rateLimit: { limit: 5, windowSeconds: 60 } },
      usersRoutes: { apiKeys: true },
      extend: (app, users, { bearer }) => {
        app.get('/whoami', { onRequest: users.currentUser({ active: true }) }, async (request) => ({
          id: request.user.id,
          key: request.authentication?.apiKey?.id ?? null,
        }))
        app.get('/posts', { onRequest: users.currentUser({ active: true, permissions: ['posts:read'] }) }, async () => 'posts')
        app.post('/posts', { onRequest: users.currentUser({ active: true, permissions: ['posts:write'] }) }, async () => 'written')
        app.get('/readers', { onRequest: users.currentUser({ active: true, roles: ['reader'] }) }, async () => 'readers')
        app.get('/admin', { onRequest: users.currentUser({ active: true, superuser: true }) }, async () => 'admin')
        app.get('/jwt-only', { onRequest: users.currentUser({ active: true, backends: [bearer] }) }, async () => 'jwt')
      },
    })
    admin = await t.createUser({ is_superuser: true })
  })
  afterAll(() => t.close())

  const create = (token: string, body: unknown) =>
    t.app.inject({ method: 'POST', url: '/users/me/api-keys', headers: bearerAuth(token), payload: body as object })
  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers })
  const apiKey = (key: string) => ({ 'x-api-key': key })
  async function userWithRoles(held: string[]) {
    const created = await t.createUser()
    const set = await t.app.inject({ method: 'PUT', url: `/users/${created.user.id}/roles`, headers: bearerAuth(admin.token), payload: { roles: held } })
    expect(set.statusCode, set.body).toBe(200)
    return created
  }
  async function newKey(token: string, body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const res = await create(token, { name: 'ci', expires_in: 3600, ...body })
    expect(res.statusCode, res.body).toBe(201)
    return res.json()
  }

  it('creates a key shown once, lists it without the secret, and authenticates with both transports', async () => {
    const { user, token } = await userWithRoles(['editor'])
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString()
    const res = await create(token, { name: 'deploy', expires_at: expiresAt, permissions: ['posts:read'] })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(Object.keys(body)).toEqual(['id', 'name', 'prefix', 'permissions', 'created_at', 'expires_at', 'last_used_at', 'key'])
    expect(body).toMatchObject({ name: 'deploy', permissions: ['posts:read'], expires_at: expiresAt, last_used_at: null })
    expect(body.key).toMatch(/^fuk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/)
    expect(body.key.startsWith(body.prefix)).toBe(true)
    expect(body.prefix).toBe(`fuk_${body.id}_`)

    const list = await get('/users/me/api-keys', bearerAuth(token))
    expect(list.statusCode).toBe(200)
    const { key: _shownOnce, ...listed } = body
    expect(list.json()).toEqual([listed])
    expect(list.body).not.toContain(body.key.slice(body.prefix.length))

    for (const headers of [apiKey(body.key), bearerAuth(body.key), { authorization: `bearer ${body.key}` }]) {
      const who = await get('/whoami', headers)
      expect(who.statusCode, who.body).toBe(200)
      expect(who.json()).toEqual({ id: user.id, key: body.id })
    }
    // A session still works beside keys, and names no key.
    expect((await get('/whoami', bearerAuth(token))).json()).toEqual({ id: user.id, key: null })
  })

  it('stores only the hash of the secret', async () => {
    const { token } = await t.createUser()
    const { id, key } = await newKey(token)
    const record = await store.get(id)
    expect(record).not.toBeNull()
    expect(JSON.stringify(record)).not.toContain(key.split('_')[2])
    expect(record!.secretHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses bad, unknown, tampered, expired and revoked keys with the same 401', async () => {
    const { user, token } = await t.createUser()
    const { id, key } = await newKey(token)
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')
    const unknown = `fuk_${'0'.repeat(32)}_${key.split('_')[2]}`
    for (const bad of ['fuk_nonsense', tampered, unknown, '']) {
      const res = await get('/whoami', apiKey(bad))
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({ detail: 'Unauthorized' })
    }
    const record = (await store.get(id))!
    await store.delete(user.id, id)
    await store.create({ ...record, expiresAt: new Date(Date.now() - 1000) })
    expect((await get('/whoami', apiKey(key))).json()).toEqual({ detail: 'Unauthorized' })

    const live = await newKey(token)
    expect((await get('/whoami', apiKey(live.key))).statusCode).toBe(200)
    const revoke = await t.app.inject({ method: 'DELETE', url: `/users/me/api-keys/${live.id}`, headers: bearerAuth(token) })
    expect(revoke.statusCode).toBe(204)
    expect(revoke.body).toBe('')
    const after = await get('/whoami', apiKey(live.key))
    expect(after.statusCode).toBe(401)
    expect(after.json()).toEqual({ detail: 'Unauthorized' })
    expect((await get('/users/me/api-keys', bearerAuth(token))).json().map((k: { id: string }) => k.id)).toEqual([id])
  })

  it("revokes only the user's own keys: another user's key is a 404 and keeps working", async () => {
    const owner = await t.createUser()
    const other = await t.createUser()
    const { id, key } = await newKey(owner.token)
    const res = await t.app.inject({ method: 'DELETE', url: `/users/me/api-keys/${id}`, headers: bearerAuth(other.token) })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ detail: 'Not Found' })
    expect((await t.app.inject({ method: 'DELETE', url: '/users/me/api-keys/nope', headers: bearerAuth(other.token) })).statusCode).toBe(404)
    expect((await get('/whoami', apiKey(key))).statusCode).toBe(200)
  })

  it('limits permissions to those the user holds at creation, and to the owner\'s current ones at use', async () => {
    const editor = await userWithRoles(['editor'])
    const refused = await create(editor.token, { name: 'x', expires_in: 60, permissions: ['users:write'] })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual({ detail: 'API_KEY_PERMISSION_NOT_HELD' })

    const readOnly = await newKey(editor.token, { permissions: ['posts:read'] })
    expect((await get('/posts', apiKey(readOnly.key))).statusCode).toBe(200)
    const write = await t.app.inject({ method: 'POST', url: '/posts', headers: apiKey(readOnly.key) })
    expect(write.statusCode).toBe(403)
    // The session itself may write.
    expect((await t.app.inject({ method: 'POST', url: '/posts', headers: bearerAuth(editor.token) })).statusCode).toBe(200)
    // A role counts for a key only when the key allows everything it grants.
    expect((await get('/readers', apiKey(readOnly.key))).statusCode).toBe(403)

    const both = await newKey(editor.token, { permissions: ['posts:read', 'posts:write'] })
    expect((await t.app.inject({ method: 'POST', url: '/posts', headers: apiKey(both.key) })).statusCode).toBe(200)
    // Demoted: the key keeps its permissions on paper, but the owner no longer holds writing.
    await t.app.inject({ method: 'PUT', url: `/users/${editor.user.id}/roles`, headers: bearerAuth(admin.token), payload: { roles: ['reader'] } })
    expect((await t.app.inject({ method: 'POST', url: '/posts', headers: apiKey(both.key) })).statusCode).toBe(403)
    expect((await get('/posts', apiKey(both.key))).statusCode).toBe(200)
    expect((await get('/readers', apiKey(both.key))).statusCode).toBe(200)
    const noPermissions = await newKey(editor.token)
    expect((await get('/posts', apiKey(noPermissions.key))).statusCode).toBe(403)
    expect((await get('/whoami', apiKey(noPermissions.key))).statusCode).toBe(200)
  })

  it('never acts as a superuser, never on the account routes, and cannot mint keys', async () => {
    const { key } = await newKey(admin.token)
    expect((await get('/admin', bearerAuth(admin.token))).statusCode).toBe(200)
    expect((await get('/admin', apiKey(key))).statusCode).toBe(403)
    expect((await get('/users/me', apiKey(key))).statusCode).toBe(401)
    expect((await get('/users/me', bearerAuth(key))).statusCode).toBe(401)
    expect((await get(`/users/${admin.user.id}`, apiKey(key))).statusCode).toBe(401)
    expect((await create(key, { name: 'minted', expires_in: 60 })).statusCode).toBe(401)
    const viaHeader = await t.app.inject({ method: 'POST', url: '/users/me/api-keys', headers: apiKey(key), payload: { name: 'm', expires_in: 60 } })
    expect(viaHeader.statusCode).toBe(401)
    expect((await get('/users/me/api-keys', apiKey(key))).statusCode).toBe(401)
    // A guard that names its backends takes keys only when it names theirs.
    expect((await get('/jwt-only', apiKey(key))).statusCode).toBe(401)
    expect((await get('/jwt-only', bearerAuth(admin.token))).statusCode).toBe(200)
  })

  it('refuses keys of inactive, banned and deleted users', async () => {
    const inactive = await t.createUser()
    const inactiveKey = await newKey(inactive.token)
    await t.users.manager.update(inactive.user, { is_active: false }, { safe: false })
    expect((await get('/whoami', apiKey(inactiveKey.key))).statusCode).toBe(401)
    expect((await get('/whoami', apiKey(inactiveKey.key))).json()).toEqual({ detail: 'Unauthorized' })

    const deleted = await t.createUser()
    const deletedKey = await newKey(deleted.token)
    const del = await t.app.inject({ method: 'DELETE', url: `/users/${deleted.user.id}`, headers: bearerAuth(admin.token) })
    expect(del.statusCode).toBe(204)
    expect((await get('/whoami', apiKey(deletedKey.key))).statusCode).toBe(401)
    // The deleted user's keys went with it.
    expect(await store.get(deletedKey.id)).toBeNull()
  })

  it('validates the expiry and the name', async () => {
    const { token } = await t.createUser()
    const cases: Array<[unknown, number, unknown?]> = [
      [{ name: 'x' }, 400, { detail: 'API_KEY_INVALID_EXPIRY' }],
      [{ name: 'x', expires_in: 60, expires_at: new Date(Date.now() + 60_000).toISOString() }, 400, { detail: 'API_KEY_INVALID_EXPIRY' }],
      [{ name: 'x', expires_at: new Date(Date.now() - 60_000).toISOString() }, 400, { detail: 'API_KEY_INVALID_EXPIRY' }],
      [{ name: 'x', expires_in: 400 * 86_400 }, 400, { detail: 'API_KEY_INVALID_EXPIRY' }],
      [{ name: 'x', expires_in: 0 }, 422],
      [{ name: '', expires_in: 60 }, 422],
      [{ expires_in: 60 }, 422],
      [{ name: 'x', expires_at: 'tomorrow' }, 422],
    ]
    for (const [body, status, detail] of cases) {
      const res = await create(token, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(status)
      if (detail !== undefined) expect(res.json()).toEqual(detail)
    }
    expect((await create('not-a-token', { name: 'x', expires_in: 60 })).statusCode).toBe(401)
  })

  it('lets superusers list and revoke any user\'s keys, and nobody else', async () => {
    const owner = await t.createUser()
    const { id, key } = await newKey(owner.token)
    const list = await get(`/users/${owner.user.id}/api-keys`, bearerAuth(admin.token))
    expect(list.statusCode).toBe(200)
    expect(list.json().map((k: { id: string }) => k.id)).toEqual([id])
    expect((await get(`/users/${owner.user.id}/api-keys`, bearerAuth(owner.token))).statusCode).toBe(403)
    expect((await get(`/users/${UNKNOWN_UUID}/api-keys`, bearerAuth(admin.token))).statusCode).toBe(404)
    const otherUser = await t.createUser()
    const wrongOwner = await t.app.inject({ method: 'DELETE', url: `/users/${otherUser.user.id}/api-keys/${id}`, headers: bearerAuth(admin.token) })
    expect(wrongOwner.statusCode).toBe(404)
    const byOwner = await t.app.inject({ method: 'DELETE', url: `/users/${owner.user.id}/api-keys/${id}`, headers: bearerAuth(owner.token) })
    expect(byOwner.statusCode).toBe(403)
    const revoke = await t.app.inject({ method: 'DELETE', url: `/users/${owner.user.id}/api-keys/${id}`, headers: bearerAuth(admin.token) })
    expect(revoke.statusCode).toBe(204)
    expect((await get('/whoami', apiKey(key))).statusCode).toBe(401)
  })

  it('rate limits each key on its own: 429 with Retry-After', async () => {
    const { token } = await t.createUser()
    const first = await newKey(token)
    const second = await newKey(token)
    for (let i = 0; i < 5; i++) expect((await get('/whoami', apiKey(first.key))).statusCode).toBe(200)
    const limited = await get('/whoami', apiKey(first.key))
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({ detail: 'Too Many Requests' })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect((await get('/whoami', apiKey(second.key))).statusCode).toBe(200)
    // The session is no key: not limited by it.
    expect((await get('/whoami', bearerAuth(token))).statusCode).toBe(200)
  })

  it('records the last use after the response, once per interval', async () => {
    const { token } = await t.createUser()
    const { id, key } = await newKey(token)
    expect((await store.get(id))!.lastUsedAt).toBeNull()
    expect((await get('/whoami', apiKey(key))).statusCode).toBe(200)
    await expect.poll(async () => (await store.get(id))!.lastUsedAt).not.toBeNull()
    const first = (await store.get(id))!.lastUsedAt!.getTime()
    expect((await get('/whoami', apiKey(key))).statusCode).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await store.get(id))!.lastUsedAt!.getTime()).toBe(first)
    const listed = (await get('/users/me/api-keys', bearerAuth(token))).json()
    expect(listed[0].last_used_at).toBe(new Date(first).toISOString())
  })
})

describe('API keys in the OpenAPI document', () => {
  it('lists the routes with named schemas and their status codes', async () => {
    const t = await buildTestApp({
      apiKeys: { store: new MemoryApiKeyStore() },
      usersRoutes: { apiKeys: true },
      before: async (app, { bearer, cookie }) => {
        await app.register(swagger, {
          openapi: {
            info: { title: 'test', version: '1.0.0' },
            components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
          },
          transformObject: (documents) => ('openapiObject' in documents ? withNamedSchemas(documents.openapiObject) : documents.swaggerObject),
        })
      },
    })
    try {
      type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }>; requestBody?: { content: Record<string, { schema: unknown }> } }
      const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { title?: string }> } }
      const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
      const operations: Array<[string, string, string, string[]]> = [
        ['/users/me/api-keys', 'post', 'users:create_api_key', ['201', '400', '401', '403', '422']],
        ['/users/me/api-keys', 'get', 'users:api_keys', ['200', '401', '403']],
        ['/users/me/api-keys/{key_id}', 'delete', 'users:revoke_api_key', ['204', '401', '403', '404']],
        ['/users/{id}/api-keys', 'get', 'users:user_api_keys', ['200', '401', '403', '404']],
        ['/users/{id}/api-keys/{key_id}', 'delete', 'users:revoke_user_api_key', ['204', '401', '403', '404']],
      ]
      for (const [path, method, operationId, statuses] of operations) {
        const op = doc.paths[path]![method]!
        expect(op.operationId).toBe(operationId)
        expect(Object.keys(op.responses).sort()).toEqual(statuses)
      }
      const createOp = doc.paths['/users/me/api-keys']!['post']!
      expect(createOp.requestBody!.content['application/json']!.schema).toEqual(ref('ApiKeyCreate'))
      expect(createOp.responses['201']!.content!['application/json']!.schema).toEqual(ref('ApiKeyCreated'))
      expect(doc.paths['/users/me/api-keys']!['get']!.responses['200']!.content!['application/json']!.schema).toEqual(ref('ApiKeyList'))
      for (const name of ['ApiKeyCreate', 'ApiKeyCreated', 'ApiKeyRead', 'ApiKeyList']) expect(doc.components.schemas[name]?.title).toBe(name)
    } finally {
      await t.close()
    }
  })

  it('adds nothing without the option', async () => {
    const t = await buildTestApp({
      before: async (app, { bearer, cookie }) => {
        await app.register(swagger, {
          openapi: {
            info: { title: 'test', version: '1.0.0' },
            components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
          },
        })
      },
    })
    try {
      const doc = t.app.swagger() as unknown as { paths: Record<string, unknown> }
      expect(Object.keys(doc.paths).filter((path) => path.includes('api-keys'))).toEqual([])
    } finally {
      await t.close()
    }
  })
})

describe('API keys not configured', () => {
  it('refuses usersRoutes({ apiKeys: true }) at start-up', () => {
    const users = fastifyUsers({ db: {} as never, backends: [], manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET } })
    expect(() => users.usersRoutes({ apiKeys: true })).toThrow(ConfigurationError)
    expect(users.apiKeyBackend).toBeNull()
  })
})
