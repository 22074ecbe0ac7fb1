/**
 * Roles and permissions (issue 15): `currentUser({ roles })` and `currentUser({ permissions })`
 * (403 when missing), superusers reading and replacing a user's roles through
 * `GET|PUT /users/{id}/roles` with every refusal, `roles` in `GET /users/me` only when roles
 * are configured (and unless `rolesInMe: false`), and the role and permission names typed from the configuration.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { ConfigurationError, defineRoles, fastifyUsers, type PermissionOf, type RoleOf } from '../../src/index.ts'
import type { CurrentUserOptions } from '../../src/fastify/guard.ts'
import { SECRET, UNKNOWN_UUID, bearerAuth, buildTestApp, type CreatedUser, type TestApp } from '../support/app.ts'

const roles = defineRoles({ admin: ['users:read', 'users:write'], editor: ['posts:write', 'posts:read'], reader: ['posts:read'] })

describe('roles configured', () => {
  let t: TestApp
  let admin: CreatedUser
  beforeAll(async () => {
    t = await buildTestApp({
      roles,
      extend: (app, users) => {
        app.get('/posts', { onRequest: users.currentUser({ active: true, roles: ['editor', 'reader'] }) }, async () => 'posts')
        app.post('/posts', { onRequest: users.currentUser({ active: true, permissions: ['posts:read', 'posts:write'] }) }, async () => 'written')
        app.get('/maybe', { onRequest: users.currentUser({ optional: true, roles: ['admin'] }) }, async (request) => ({ user: request.user?.id ?? null }))
      },
    })
    admin = await t.createUser({ is_superuser: true })
  })
  afterAll(() => t.close())

  const setRoles = (id: string, body: unknown, token = admin.token) =>
    t.app.inject({ method: 'PUT', url: `/users/${id}/roles`, headers: bearerAuth(token), payload: body as object })

  it('lets superusers replace and read a user\'s roles, which GET /users/me then shows', async () => {
    const { user, token } = await t.createUser()
    const me = async () => (await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(token) })).json()
    expect(await me()).toEqual({ id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: false, roles: [] })
    const set = await setRoles(user.id, { roles: ['reader', 'editor'] })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json()).toEqual({ roles: ['editor', 'reader'] })
    const read = await t.app.inject({ method: 'GET', url: `/users/${user.id.toUpperCase()}/roles`, headers: bearerAuth(admin.token) })
    expect(read.json()).toEqual({ roles: ['editor', 'reader'] })
    expect((await me()).roles).toEqual(['editor', 'reader'])
    // The other user objects stay FastAPI Users' exactly.
    const byId = await t.app.inject({ method: 'GET', url: `/users/${user.id}`, headers: bearerAuth(admin.token) })
    expect(Object.keys(byId.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
    expect((await setRoles(user.id, { roles: [] })).json()).toEqual({ roles: [] })
    expect((await me()).roles).toEqual([])
  })

  it('guards routes by role (any of them) and by permission (all of them)', async () => {
    const reader = await t.createUser()
    const editor = await t.createUser()
    const nobody = await t.createUser()
    await setRoles(reader.user.id, { roles: ['reader'] })
    await setRoles(editor.user.id, { roles: ['editor'] })
    const call = (method: 'GET' | 'POST', url: string, token: string) => t.app.inject({ method, url, headers: bearerAuth(token) })
    expect((await call('GET', '/posts', reader.token)).statusCode).toBe(200)
    expect((await call('GET', '/posts', editor.token)).statusCode).toBe(200)
    const refused = await call('GET', '/posts', nobody.token)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toEqual({ detail: 'Forbidden' })
    expect((await call('POST', '/posts', editor.token)).statusCode).toBe(200)
    expect((await call('POST', '/posts', reader.token)).statusCode).toBe(403)
    // A superuser holds no role it was not given.
    expect((await call('GET', '/posts', admin.token)).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: '/posts' })).statusCode).toBe(401)
    expect((await call('GET', '/maybe', reader.token)).json()).toEqual({ user: null })
  })

  it('refuses role changes: 401 anonymous, 403 non-superuser, 404 unknown user, 422 unknown or repeated roles', async () => {
    const { user, token } = await t.createUser()
    const anonymous = await t.app.inject({ method: 'PUT', url: `/users/${user.id}/roles`, payload: { roles: ['admin'] } })
    expect(anonymous.statusCode).toBe(401)
    const self = await setRoles(user.id, { roles: ['admin'] }, token)
    expect(self.statusCode).toBe(403)
    expect(self.json()).toEqual({ detail: 'Forbidden' })
    expect((await setRoles(user.id, { roles: 'nonsense' }, token)).statusCode).toBe(403)
    for (const id of [UNKNOWN_UUID, 'not-a-uuid']) {
      const res = await setRoles(id, { roles: ['admin'] })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toEqual({ detail: 'Not Found' })
    }
    for (const body of [{ roles: ['owner'] }, { roles: ['admin', 'admin'] }, { roles: 'admin' }, {}, { roles: [null] }]) {
      const res = await setRoles(user.id, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(422)
      expect(res.json().detail[0].loc[0]).toBe('body')
    }
    expect((await t.app.inject({ method: 'GET', url: `/users/${user.id}/roles`, headers: bearerAuth(admin.token) })).json()).toEqual({ roles: [] })
  })

  it('types role and permission names from the configuration', () => {
    const typed = fastifyUsers({
      db: t.store.users,
      backends: [t.bearer],
      manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET },
      roles: { admin: ['users:read'], editor: ['posts:write'] },
    })
    expectTypeOf(typed.currentUser).parameter(0).toEqualTypeOf<CurrentUserOptions<'admin' | 'editor', 'users:read' | 'posts:write'> | undefined>()
    expect(() => typed.currentUser({ roles: ['admin'], permissions: ['posts:write'] })).not.toThrow()
    // @ts-expect-error: not a configured role
    typed.currentUser({ roles: ['owner'] })
    // @ts-expect-error: not a configured permission
    typed.currentUser({ permissions: ['users:delete'] })
    expectTypeOf<RoleOf<typeof roles>>().toEqualTypeOf<'admin' | 'editor' | 'reader'>()
    expectTypeOf<PermissionOf<typeof roles>>().toEqualTypeOf<'users:read' | 'users:write' | 'posts:write' | 'posts:read'>()
  })
})

describe('roles configured, kept out of GET /users/me', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ roles, usersRoutes: { rolesInMe: false } })
  })
  afterAll(() => t.close())

  it('answers GET /users/me with FastAPI Users\' user object while superusers still set and read roles', async () => {
    const admin = await t.createUser({ is_superuser: true })
    const { user, token } = await t.createUser()
    const set = await t.app.inject({ method: 'PUT', url: `/users/${user.id}/roles`, headers: bearerAuth(admin.token), payload: { roles: ['editor'] } })
    expect(set.json()).toEqual({ roles: ['editor'] })
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(token) })
    expect(me.json()).toEqual({ id: user.id, email: user.email, is_active: true, is_superuser: false, is_verified: false })
    const read = await t.app.inject({ method: 'GET', url: `/users/${user.id}/roles`, headers: bearerAuth(admin.token) })
    expect(read.json()).toEqual({ roles: ['editor'] })
  })
})

describe('roles not configured', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('keeps GET /users/me exactly FastAPI Users\' and has no roles routes', async () => {
    const admin = await t.createUser({ is_superuser: true })
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(admin.token) })
    expect(Object.keys(me.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
    const res = await t.app.inject({ method: 'PUT', url: `/users/${admin.user.id}/roles`, headers: bearerAuth(admin.token), payload: { roles: [] } })
    expect(res.statusCode).toBe(404)
  })

  it('refuses a guard asking for roles or permissions', () => {
    expect(() => t.users.currentUser({ roles: ['admin'] })).toThrow(ConfigurationError)
    expect(() => t.users.currentUser({ permissions: ['x'] })).toThrow(expect.objectContaining({ code: 'ROLES_NOT_CONFIGURED' }))
  })
})
