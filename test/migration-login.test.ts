/**
 * Moving from FastAPI Users: a SQLite database as FastAPI Users leaves it (bcrypt `$2b$12$` from
 * 12.x, argon2id `m=65536,t=3,p=4` from 14.x) served by the routes with the default password
 * helper. Every active user logs in, the inactive one is refused but rehashed anyway (as
 * upstream), and every hash becomes an OWASP argon2id hash that logs in again (CONTRACT §9.4,
 * §9.5, §10).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteUserDatabase } from '../src/db/kysely/index.ts'
import { PasswordHelper } from '../src/index.ts'
import { bearerAuth, buildTestApp, form, type TestApp } from './support/app.ts'
import { buildFastapiUsersSqlite, FASTAPI_USERS_SAMPLE, type BuiltFixtureUser } from './support/fastapi-users-db.ts'

const UNICODE_NFC = 'p\u00e4ssw\u00f6rd-\u00fcn\u00efcode-9'
const UNICODE_NFD = UNICODE_NFC.normalize('NFD')
const LONG_PASSWORD = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-END-80B'
const OWASP_HASH = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/
const flags = { is_active: true, is_superuser: false, is_verified: false }

describe('logging in the users of a FastAPI Users database', () => {
  let t: TestApp
  let users: BuiltFixtureUser[]
  beforeAll(async () => {
    expect(UNICODE_NFD).not.toBe(UNICODE_NFC)
    expect(Buffer.byteLength(LONG_PASSWORD)).toBe(80)
    const path = join(mkdtempSync(join(tmpdir(), 'fastify-users-migration-')), 'fastapi-users.db')
    users = await buildFastapiUsersSqlite(path, [
      ...FASTAPI_USERS_SAMPLE,
      { email: 'unicode-bcrypt@example.com', password: UNICODE_NFC, scheme: 'bcrypt', ...flags },
      { email: 'long-bcrypt@example.com', password: LONG_PASSWORD, scheme: 'bcrypt', ...flags },
      { email: 'long-argon2@example.com', password: LONG_PASSWORD, scheme: 'argon2id', ...flags },
    ])
    t = await buildTestApp({ store: await sqliteUserDatabase({ filename: path }), manager: { passwordHelper: new PasswordHelper() } })
  }, 60_000)
  afterAll(() => t?.close())

  const user = (email: string) => users.find((u) => u.email === email)!
  const storedHash = async (u: BuiltFixtureUser) => (await t.store.users.get(u.id))!.hashed_password
  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username, password }) })

  it('holds both upstream hash formats to begin with', () => {
    expect(users.filter((u) => u.hashed_password.startsWith('$2b$12$')).length).toBeGreaterThanOrEqual(4)
    expect(users.filter((u) => u.hashed_password.startsWith('$argon2id$v=19$m=65536,t=3,p=4$')).length).toBeGreaterThanOrEqual(4)
  })

  it('refuses the 72-byte prefix of an argon2id password, without rehashing', async () => {
    const prefix = Buffer.from(LONG_PASSWORD).subarray(0, 72).toString()
    expect((await login('long-argon2@example.com', prefix)).statusCode).toBe(400)
    expect(await storedHash(user('long-argon2@example.com'))).toBe(user('long-argon2@example.com').hashed_password)
  })

  it('logs every active user in, and rehashes each to the OWASP parameters', async () => {
    for (const u of users.filter((u) => u.is_active)) {
      const res = await login(u.email, u.password)
      expect(res.statusCode, u.email).toBe(200)
      const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(res.json().access_token) })
      expect(me.json(), u.email).toEqual({ id: u.id, email: u.email, is_active: true, is_superuser: u.is_superuser, is_verified: u.is_verified })
      expect(await storedHash(u), u.email).toMatch(OWASP_HASH)
    }
  })

  it('refuses the inactive user with LOGIN_BAD_CREDENTIALS but rehashes it anyway', async () => {
    const inactive = users.find((u) => !u.is_active)!
    const res = await login(inactive.email, inactive.password)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ detail: 'LOGIN_BAD_CREDENTIALS' })
    expect(await storedHash(inactive)).toMatch(OWASP_HASH)
  })

  it('logs everyone in again on the new hashes, which stay as they are', async () => {
    for (const u of users) {
      const before = await storedHash(u)
      expect(before, u.email).toMatch(OWASP_HASH)
      const res = await login(u.email.toLowerCase(), u.password)
      expect(res.statusCode, u.email).toBe(u.is_active ? 200 : 400)
      expect(await storedHash(u)).toBe(before)
    }
  })

  it('matches a Mixed.Case email in any case, lets the NFD spelling in (deliberate difference 12), keeps the 72-byte prefix out', async () => {
    const mixed = user('Mixed.Case@example.com')
    expect((await login('MIXED.CASE@EXAMPLE.COM', mixed.password)).statusCode).toBe(200)
    expect((await login('unicode-argon2@example.com', UNICODE_NFD)).statusCode).toBe(200)
    expect((await login('unicode-bcrypt@example.com', UNICODE_NFD)).statusCode).toBe(200)
    const prefix = Buffer.from(LONG_PASSWORD).subarray(0, 72).toString()
    expect((await login('long-bcrypt@example.com', prefix)).statusCode).toBe(400)
  })

  it('lets the migrated superuser act as one', async () => {
    const admin = users.find((u) => u.is_superuser)!
    const token = (await login(admin.email, admin.password)).json().access_token as string
    const other = user('bcrypt-user@example.com')
    const res = await t.app.inject({ method: 'GET', url: `/users/${other.id}`, headers: bearerAuth(token) })
    expect(res.json()).toEqual({ id: other.id, email: other.email, is_active: true, is_superuser: false, is_verified: false })
  })
})
