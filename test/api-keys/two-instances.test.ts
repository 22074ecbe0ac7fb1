/**
 * API keys across two instances of an application on one database, each with the auth cache
 * on (src/cache/): a key revoked on one instance is refused by the other on its very next
 * request, though that instance has the owner cached, because keys are never cached; and a
 * ban or deactivation through the cached user database refuses the owner's keys at once.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuthenticationBackend,
  BearerTransport,
  JwtStrategy,
  cachedUserDatabase,
  fastifyUsers,
  openAuthCache,
  type AuthCache,
  type FastifyUsers,
} from '../../src/index.ts'
import { KyselyApiKeyStore, sqliteUserDatabase, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import { FAST_HASHING, SECRET, form } from '../support/app.ts'

interface Instance {
  app: FastifyInstance
  users: FastifyUsers
  store: KyselyUserStore
  cache: AuthCache
}

async function instance(filename: string): Promise<Instance> {
  const store = await sqliteUserDatabase({ filename })
  // No channel, and a long life: what B cached stays cached whatever A does.
  const cache = await openAuthCache({ channel: null, ttlMs: 60_000 })
  const jwt = new AuthenticationBackend({
    name: 'jwt',
    transport: new BearerTransport({ tokenUrl: 'auth/jwt/login' }),
    strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 3600 }),
  })
  const users = fastifyUsers({
    db: cachedUserDatabase(store.users, cache),
    backends: [jwt],
    manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET, passwordHelper: FAST_HASHING },
    apiKeys: { store: new KyselyApiKeyStore({ db: store.db }) },
  })
  const app = Fastify()
  await app.register(users.authRoutes(jwt), { prefix: '/auth/jwt' })
  await app.register(users.usersRoutes({ apiKeys: true }), { prefix: '/users' })
  app.get('/whoami', { onRequest: users.currentUser({ active: true }) }, async (request) => ({ id: request.user.id }))
  await app.ready()
  return { app, users, store, cache }
}

describe('API keys on two instances with the auth cache', () => {
  let a: Instance
  let b: Instance
  beforeAll(async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'fastify-users-api-keys-')), 'users.db')
    a = await instance(filename)
    b = await instance(filename)
  })
  afterAll(async () => {
    for (const one of [a, b]) {
      await one.app.close()
      await one.cache.close()
      await one.store.destroy()
    }
  })

  async function keyOf(email: string): Promise<{ id: string; key: string; userId: string; session: string }> {
    const user = await a.users.manager.create({ email, password: 'a-long-enough-password' })
    const login = await a.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username: email, password: 'a-long-enough-password' }) })
    const created = await a.app.inject({
      method: 'POST', url: '/users/me/api-keys',
      headers: { authorization: `Bearer ${login.json().access_token}` },
      payload: { name: 'ci', expires_in: 600 },
    })
    expect(created.statusCode, created.body).toBe(201)
    return { ...created.json(), userId: user.id, session: login.json().access_token }
  }
  const whoami = (on: Instance, key: string) => on.app.inject({ method: 'GET', url: '/whoami', headers: { 'x-api-key': key } })

  it('refuses a key revoked on the other instance at once', async () => {
    const { id, key, session } = await keyOf('revoked@example.com')
    expect((await whoami(b, key)).statusCode).toBe(200)
    // B now serves the owner from its cache.
    expect(b.cache.size).toBeGreaterThan(0)
    const revoke = await a.app.inject({ method: 'DELETE', url: `/users/me/api-keys/${id}`, headers: { authorization: `Bearer ${session}` } })
    expect(revoke.statusCode).toBe(204)
    const refused = await whoami(b, key)
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toEqual({ detail: 'Unauthorized' })
  })

  it("refuses the keys of a user deactivated through the instance's cached database at once", async () => {
    const { key, userId } = await keyOf('deactivated@example.com')
    expect((await whoami(b, key)).statusCode).toBe(200)
    const owner = (await b.users.manager.get(userId))!
    await b.users.manager.update(owner, { is_active: false }, { safe: false })
    expect((await whoami(b, key)).statusCode).toBe(401)
  })
})
