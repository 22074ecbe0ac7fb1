/**
 * `currentUser()` on an application's own routes: the decision table of CONTRACT §4, backend
 * order and selection, and the tokens it refuses (deliberate difference 8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentUserOptions } from '../src/index.ts'
import { bearerAuth, buildTestApp, signToken, type CreatedUser, type TestApp } from './support/app.ts'

const GUARDS: Record<string, CurrentUserOptions> = {
  current: {},
  active: { active: true },
  verified: { active: true, verified: true },
  superuser: { active: true, superuser: true },
  verifiedSuperuser: { active: true, verified: true, superuser: true },
  verifiedSuperuserEvenInactive: { verified: true, superuser: true },
}
const GUARD_NAMES = Object.keys(GUARDS)

// Expected status per user, in the order of GUARD_NAMES.
const TABLE: Record<string, number[]> = {
  none: [401, 401, 401, 401, 401, 401],
  invalid: [401, 401, 401, 401, 401, 401],
  inactive: [200, 401, 401, 401, 401, 403],
  regular: [200, 200, 403, 403, 403, 403],
  verified: [200, 200, 200, 403, 403, 403],
  superuser: [200, 200, 403, 200, 403, 403],
  verifiedSuperuser: [200, 200, 200, 200, 200, 200],
  inactiveVerifiedSuperuser: [200, 401, 401, 401, 401, 200],
}

describe('currentUser', () => {
  let t: TestApp
  const people: Record<string, CreatedUser | null> = {}
  beforeAll(async () => {
    t = await buildTestApp({
      extend: (app, users, { cookie }) => {
        for (const [name, options] of Object.entries(GUARDS)) {
          for (const optional of [false, true]) {
            app.get(`/guarded/${name}${optional ? '-optional' : ''}`, { onRequest: users.currentUser({ ...options, optional }) }, async (request) => ({
              user: request.user === null ? null : request.user.id,
              backend: request.authentication?.backend.name ?? null,
            }))
          }
        }
        app.get('/cookie-only', { onRequest: users.currentUser({ backends: [cookie] }) }, async (request) => ({ user: request.user.id }))
        // An application route beside the users router, which DELETE /users/{id} must not shadow.
        app.delete('/users/me', { onRequest: users.currentUser({ active: true }) }, async (request) => ({ deleting: request.user.id }))
      },
    })
    people.none = null
    people.regular = await t.createUser()
    people.inactive = await t.createUser({ is_active: false })
    people.verified = await t.createUser({ is_verified: true })
    people.superuser = await t.createUser({ is_superuser: true })
    people.verifiedSuperuser = await t.createUser({ is_superuser: true, is_verified: true })
    people.inactiveVerifiedSuperuser = await t.createUser({ is_active: false, is_superuser: true, is_verified: true })
  })
  afterAll(() => t.close())

  const headersOf = (who: string) =>
    who === 'none' ? {} : who === 'invalid' ? bearerAuth('invalid-token') : bearerAuth(people[who]!.token)

  for (const [who, statuses] of Object.entries(TABLE)) {
    it(`follows the decision table for ${who}`, async () => {
      for (const [index, guard] of GUARD_NAMES.entries()) {
        const expected = statuses[index]!
        const res = await t.app.inject({ method: 'GET', url: `/guarded/${guard}`, headers: headersOf(who) })
        expect(res.statusCode, `${who} on ${guard}`).toBe(expected)
        if (expected === 200) expect(res.json()).toEqual({ user: people[who]!.user.id, backend: 'jwt' })
        else expect(res.json()).toEqual({ detail: expected === 401 ? 'Unauthorized' : 'Forbidden' })

        const optional = await t.app.inject({ method: 'GET', url: `/guarded/${guard}-optional`, headers: headersOf(who) })
        expect(optional.statusCode, `${who} on optional ${guard}`).toBe(200)
        expect(optional.json().user).toBe(expected === 200 ? people[who]!.user.id : null)
      }
    })
  }

  it('accepts the bearer scheme in any letter case, and no other scheme', async () => {
    const { user, token } = people.regular!
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await t.app.inject({ method: 'GET', url: '/guarded/active', headers: { authorization: `${scheme} ${token}` } })
      expect(res.json().user, scheme).toBe(user.id)
    }
    for (const authorization of [`Basic ${token}`, token, `Bearer`]) {
      expect((await t.app.inject({ method: 'GET', url: '/guarded/active', headers: { authorization } })).statusCode).toBe(401)
    }
  })

  it('tries the backends in order: the first that yields a user wins, a bad bearer falls through to a cookie', async () => {
    const a = people.regular!
    const b = people.verified!
    const both = await t.app.inject({ method: 'GET', url: '/guarded/active', headers: bearerAuth(a.token), cookies: { fastapiusersauth: b.token } })
    expect(both.json()).toEqual({ user: a.user.id, backend: 'jwt' })
    const fallThrough = await t.app.inject({ method: 'GET', url: '/guarded/active', headers: bearerAuth('invalid-token'), cookies: { fastapiusersauth: b.token } })
    expect(fallThrough.json()).toEqual({ user: b.user.id, backend: 'cookie' })
    const badCookie = await t.app.inject({ method: 'GET', url: '/guarded/active', headers: bearerAuth(a.token), cookies: { fastapiusersauth: 'invalid' } })
    expect(badCookie.json()).toEqual({ user: a.user.id, backend: 'jwt' })
  })

  it('lets only the chosen backends authenticate', async () => {
    const { user, token } = people.regular!
    expect((await t.app.inject({ method: 'GET', url: '/cookie-only', headers: bearerAuth(token) })).statusCode).toBe(401)
    const res = await t.app.inject({ method: 'GET', url: '/cookie-only', cookies: { fastapiusersauth: token } })
    expect(res.json()).toEqual({ user: user.id })
  })

  it('refuses the token of a user deactivated or deleted since the login', async () => {
    const { user, token } = await t.createUser()
    const get = () => t.app.inject({ method: 'GET', url: '/guarded/active', headers: bearerAuth(token) })
    expect((await get()).statusCode).toBe(200)
    await t.store.users.update(user, { is_active: false })
    expect((await get()).statusCode).toBe(401)
    await t.store.users.update(user, { is_active: true })
    expect((await get()).statusCode).toBe(200)
    await t.store.users.delete(user)
    expect((await get()).statusCode).toBe(401)
  })

  it('refuses an access token without exp (deliberate difference 8), and other forgeries', async () => {
    const { user } = people.regular!
    const claims = { sub: user.id, aud: ['fastapi-users:auth'] }
    const get = (token: string) => t.app.inject({ method: 'GET', url: '/guarded/current', headers: bearerAuth(token) })
    expect((await get(await signToken(claims))).statusCode).toBe(200)
    expect((await get(await signToken(claims, { lifetimeSeconds: null }))).statusCode).toBe(401)
    expect((await get(await signToken(claims, { lifetimeSeconds: -10 }))).statusCode).toBe(401)
    expect((await get(await signToken(claims, { secret: 'another-secret-that-is-long-enough-0123456789' }))).statusCode).toBe(401)
    expect((await get(await signToken({ ...claims, aud: 'fastapi-users:reset' }))).statusCode).toBe(401)
    expect((await get(await signToken({ ...claims, sub: 'not-a-uuid' }))).statusCode).toBe(401)
  })

  it('serves an application route that the users router would otherwise match', async () => {
    const { user, token } = people.regular!
    const res = await t.app.inject({ method: 'DELETE', url: '/users/me', headers: bearerAuth(token) })
    expect(res.json()).toEqual({ deleting: user.id })
  })

  it('accepts a string audience, as PyJWT does', async () => {
    const { user } = people.regular!
    const token = await signToken({ sub: user.id, aud: 'fastapi-users:auth' })
    expect((await t.app.inject({ method: 'GET', url: '/guarded/current', headers: bearerAuth(token) })).json().user).toBe(user.id)
  })
})
