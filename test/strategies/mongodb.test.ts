/**
 * The session features on the MongoDB adapter (its test server: MONGODB_URL, or the in-process
 * stand-in of test/support/mongo-server.ts): DatabaseStrategy on its access-token collection,
 * JWT revocation in `MongoRevocationStore`, refresh rotation and reuse detection in
 * `MongoRefreshTokenStore`.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DatabaseStrategy, JwtStrategy } from '../../src/index.ts'
import { sha256Base64url } from '../../src/opaque-token.ts'
import {
  MongoRefreshTokenStore,
  MongoRevocationStore,
  mongoUserDatabase,
  type MongoUserStore,
} from '../../src/db/mongodb/index.ts'
import { SECRET } from '../support/app.ts'
import { scratchDatabaseName, startMongoTestServer, type MongoTestServer } from '../support/mongo-server.ts'
import { buildSessionApp, type SessionApp } from '../support/session-app.ts'

describe('sessions on MongoDB', () => {
  let server: MongoTestServer | null
  let store: MongoUserStore
  let database: SessionApp
  let jwt: SessionApp
  beforeAll(async () => {
    server = await startMongoTestServer()
    if (!server) return
    store = await mongoUserDatabase({ url: server.url, database: scratchDatabaseName() })
    database = await buildSessionApp({ store, strategy: new DatabaseStrategy({ accessTokenDb: store.accessTokens, lifetimeSeconds: 3600 }) })
    jwt = await buildSessionApp({
      store,
      strategy: new JwtStrategy({ secret: SECRET, lifetimeSeconds: 900, revocation: new MongoRevocationStore({ db: store.db }) }),
      refresh: { store: new MongoRefreshTokenStore({ db: store.db }), lifetimeSeconds: 86400, reuseGraceSeconds: 0 },
    })
  })
  afterAll(async () => {
    if (!server) return
    await database.close()
    await jwt.close()
    await store.db.dropDatabase()
    await store.destroy()
    await server.stop()
  })

  it('DatabaseStrategy: login, read, logout, expiry and the hashed document', async (ctx) => {
    if (!server) return ctx.skip()
    const { user, password } = await database.createUser()
    const [a, b] = [await database.token(user, password), await database.token(user, password)]
    expect(await database.me(a)).toBe(200)
    expect(await store.accessTokens.getByToken(a)).toBeNull()
    expect(await store.accessTokens.getByToken(sha256Base64url(a))).toMatchObject({ user_id: user.id })
    expect((await database.post('/auth/jwt/logout', { token: a })).statusCode).toBe(204)
    expect(await database.me(a)).toBe(401)
    expect(await database.me(b)).toBe(200)
    const old = randomBytes(32).toString('base64url')
    await store.accessTokens.create({ token: sha256Base64url(old), user_id: user.id, created_at: new Date(Date.now() - 3601_000) })
    expect(await database.me(old)).toBe(401)
  })

  it('DatabaseStrategy: logout-all and a password reset end every token; deactivation suspends them', async (ctx) => {
    if (!server) return ctx.skip()
    const { user, password } = await database.createUser()
    const [a, b] = [await database.token(user, password), await database.token(user, password)]
    expect((await database.post('/auth/jwt/logout-all', { token: a })).statusCode).toBe(204)
    expect(await database.me(b)).toBe(401)
    const c = await database.token(user, password)
    await database.users.manager.update(user, { is_active: false })
    expect(await database.me(c)).toBe(401)
    await database.users.manager.update((await database.users.manager.get(user.id))!, { is_active: true })
    expect(await database.me(c)).toBe(200)
    await database.resetPassword((await database.users.manager.get(user.id))!, 'a brand new password')
    expect(await database.me(c)).toBe(401)
  })

  it('JWT: logout and logout-all are refused at once through the MongoDB revocation store', async (ctx) => {
    if (!server) return ctx.skip()
    const { user, password } = await jwt.createUser()
    const [a, b] = [await jwt.token(user, password), await jwt.token(user, password)]
    expect((await jwt.post('/auth/jwt/logout', { token: a })).statusCode).toBe(204)
    expect(await jwt.me(a)).toBe(401)
    expect(await jwt.me(b)).toBe(200)
    expect((await jwt.post('/auth/jwt/logout-all', { token: b })).statusCode).toBe(204)
    expect(await jwt.me(b)).toBe(401)
    expect(await jwt.me(await jwt.token(user, password))).toBe(200)
  })

  it('refresh: rotation, and reuse ending the session, access tokens included', async (ctx) => {
    if (!server) return ctx.skip()
    const { user, password } = await jwt.createUser()
    const issued = (await jwt.login(user, password)).json()
    const refresh = (token: string) => jwt.post('/auth/jwt/refresh', { json: { refresh_token: token } })
    const rotated = await refresh(issued.refresh_token)
    expect(rotated.statusCode, rotated.body).toBe(200)
    expect(await jwt.me(rotated.json().access_token)).toBe(200)
    expect((await refresh(issued.refresh_token)).statusCode).toBe(401)
    expect((await refresh(rotated.json().refresh_token)).statusCode).toBe(401)
    expect(await jwt.me(issued.access_token)).toBe(401)
    expect(await jwt.me(rotated.json().access_token)).toBe(401)
  })
})
