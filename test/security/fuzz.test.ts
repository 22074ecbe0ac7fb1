/**
 * Threat: any input an attacker can think of. Property-based: fast-check generates thousands
 * of requests to every route (methods, path spellings, content types, bodies of every shape,
 * prototype keys, valid and malformed credentials) and, for each one, checks that the server
 * answers below 500 and that a refused request (4xx) changed no user. The server must still
 * answer normally at the end.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSecureApp, loginRequest, type SecureApp } from './app.ts'

let t: SecureApp
let tokens: { regular: string; superuser: string; cookie: string }
let ids: string[]

beforeAll(async () => {
  // Limits off so that every request reaches its route; the limits have tests of their own.
  t = await buildSecureApp({ security: { rateLimit: false, loginThrottle: false } })
  const regular = await t.createUser()
  const superuser = await t.createUser({ is_superuser: true })
  const login = async ({ user, password }: typeof regular, backend = 'jwt') => t.app.inject(loginRequest(user.email, password, { backend }))
  tokens = {
    regular: (await login(regular)).json().access_token,
    superuser: (await login(superuser)).json().access_token,
    cookie: /fastapiusersauth=([^;]+)/.exec(String((await login(regular, 'cookie')).headers['set-cookie']))![1]!,
  }
  ids = [regular.user.id, superuser.user.id]
})
afterAll(() => t.close())

async function snapshot(): Promise<string> {
  return JSON.stringify(await t.store.db.selectFrom('user').selectAll().orderBy('id').execute())
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const FIELDS = ['email', 'password', 'token', 'username', 'grant_type', 'is_superuser', 'is_active', 'is_verified', 'id',
  'hashed_password', 'oauth_accounts', '__proto__', 'constructor', 'prototype', '$where', 'toString']

const value = fc.oneof(
  fc.string(), fc.string({ unit: 'binary' }), fc.emailAddress(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constant('a good password'), fc.constant({ $ne: null }), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }),
)
const fields = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string()), value, { maxKeys: 6 })
const jwtLike = fc.tuple(fc.oneof(fc.json(), fc.constant({ alg: 'none' }), fc.constant({ alg: 'HS256', crit: ['x'] })), fc.oneof(fc.json(), fc.constant({ sub: 'x', aud: 'fastapi-users:auth' })), fc.string())
  .map(([header, payload, signature]) => `${b64(header)}.${b64(payload)}.${signature}`)
const token = () => fc.oneof(fc.constantFrom(tokens.regular, tokens.superuser), jwtLike, fc.string(), fc.constant(`${tokens.regular}x`))

const authHeaders = () => fc.oneof(
  fc.constant({}),
  token().map((value) => ({ authorization: `Bearer ${value}` })),
  fc.string().map((value) => ({ authorization: value })),
  fc.oneof(fc.constant(tokens.cookie), token(), fc.string()).map((value) => ({ cookie: `fastapiusersauth=${value}` })),
  fc.string().map((value) => ({ cookie: value })),
)

const body = fc.oneof(
  fields.map((object) => ({ type: 'application/json', payload: JSON.stringify(object) })),
  fc.json().map((text) => ({ type: 'application/json', payload: text })),
  fields.map((object) => ({ type: 'application/x-www-form-urlencoded', payload: new URLSearchParams(Object.entries(object).map(([k, v]): [string, string] => [k, String(v)])).toString() })),
  fc.tuple(fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=X', 'application/x-www-form-urlencoded', 'application/xml', ''), fc.uint8Array({ maxLength: 200 }))
    .map(([type, bytes]) => ({ type, payload: Buffer.from(bytes) })),
  fc.constant(undefined),
)

const PATHS = ['/auth/jwt/login', '/auth/cookie/login', '/auth/jwt/logout', '/auth/cookie/logout', '/auth/register', '/auth/forgot-password',
  '/auth/reset-password', '/auth/request-verify-token', '/auth/verify', '/users/me']
const path = () => fc.oneof(
  fc.constantFrom(...PATHS),
  fc.oneof(fc.constantFrom(...ids), fc.string(), fc.uuid()).map((id) => `/users/${encodeURIComponent(id)}`),
  fc.constantFrom(...PATHS).map((p) => `${p}/`),
)

describe('generated requests', () => {
  it('never give a 5xx, and a refused request changes no user', async () => {
    const request = fc.record({ method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), path: path(), headers: authHeaders(), body, origin: fc.option(fc.webUrl()) })
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers, body, origin }) => {
        const before = await snapshot()
        const res = await t.app.inject({
          method,
          url: path,
          headers: { ...headers, ...(body?.type ? { 'content-type': body.type } : {}), ...(origin ? { origin } : {}) },
          ...(body && method !== 'GET' ? { body: body.payload } : {}),
        })
        expect(res.statusCode, `${method} ${path} → ${res.body.slice(0, 200)}`).toBeLessThan(500)
        if (res.statusCode >= 400) expect(await snapshot()).toBe(before)
      }),
      { numRuns: 3000 },
    )
    expect(({} as Record<string, unknown>).is_superuser).toBeUndefined()
    // Still up and serving (the generated requests may have logged out or deleted the first users).
    const fresh = await t.createUser()
    const login = await t.app.inject(loginRequest(fresh.user.email, fresh.password))
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${login.json().access_token}` } })
    expect(me.json()).toMatchObject({ id: fresh.user.id, is_superuser: false })
  }, 240_000)
})
