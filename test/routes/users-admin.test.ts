/**
 * `GET|PATCH|DELETE /users/{id}`, for superusers (CONTRACT §5.5, §3; deliberate difference 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNKNOWN_UUID, bearerAuth, buildTestApp, uniqueEmail, type CreatedUser, type TestApp } from '../support/app.ts'

const readModel = (user: CreatedUser['user']) => ({
  id: user.id,
  email: user.email,
  is_active: user.is_active,
  is_superuser: user.is_superuser,
  is_verified: user.is_verified,
})

describe('/users/{id}', () => {
  let t: TestApp
  let admin: CreatedUser
  beforeAll(async () => {
    t = await buildTestApp()
    admin = await t.createUser({ is_superuser: true })
  })
  afterAll(() => t.close())

  const call = (method: 'GET' | 'PATCH' | 'DELETE', id: string, token = admin.token, payload?: unknown) =>
    t.app.inject({ method, url: `/users/${id}`, headers: bearerAuth(token), ...(payload === undefined ? {} : { payload: payload as object }) })

  it('returns exactly the user to a superuser', async () => {
    const { user } = await t.createUser()
    const res = await call('GET', user.id)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(readModel(user))
    expect(Object.keys(res.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
  })

  it('finds a user by an upper-case UUID', async () => {
    const { user } = await t.createUser()
    const res = await call('GET', user.id.toUpperCase())
    expect(res.statusCode).toBe(200)
    expect(res.json().id).toBe(user.id)
  })

  it('answers 404 Not Found to an unknown and to a malformed id, before reading the body', async () => {
    for (const id of [UNKNOWN_UUID, 'not-a-uuid', '123']) {
      for (const res of [await call('GET', id), await call('PATCH', id, admin.token, { is_active: null }), await call('DELETE', id)]) {
        expect(res.statusCode, id).toBe(404)
        expect(res.json()).toEqual({ detail: 'Not Found' })
      }
    }
  })

  it('answers 403 Forbidden to non-superusers before any 404 or 422', async () => {
    const regular = await t.createUser()
    const verified = await t.createUser({ is_verified: true })
    const { user } = await t.createUser()
    for (const token of [regular.token, verified.token]) {
      const responses = [
        await call('GET', user.id, token),
        await call('GET', 'not-a-uuid', token),
        await call('PATCH', user.id, token, { is_superuser: true }),
        await call('PATCH', UNKNOWN_UUID, token, { email: null }),
        await call('DELETE', user.id, token),
      ]
      for (const res of responses) {
        expect(res.statusCode).toBe(403)
        expect(res.json()).toEqual({ detail: 'Forbidden' })
      }
    }
    expect(await t.store.users.get(user.id)).toEqual(user)
  })

  it('answers 401 without a token and to an inactive superuser', async () => {
    const inactiveAdmin = await t.createUser({ is_superuser: true, is_active: false })
    for (const token of ['', inactiveAdmin.token]) {
      for (const res of [await call('GET', admin.user.id, token), await call('PATCH', 'not-a-uuid', token, {}), await call('DELETE', admin.user.id, token)]) {
        expect(res.statusCode).toBe(401)
        expect(res.json()).toEqual({ detail: 'Unauthorized' })
      }
    }
  })

  it('sets the privileged flags', async () => {
    const { user } = await t.createUser()
    const res = await call('PATCH', user.id, admin.token, { is_superuser: true, is_active: false, is_verified: true })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ...readModel(user), is_active: false, is_superuser: true, is_verified: true })
    expect(await t.store.users.get(user.id)).toMatchObject({ is_active: false, is_superuser: true, is_verified: true })
  })

  it('answers an empty body with the unchanged user', async () => {
    const { user } = await t.createUser()
    expect((await call('PATCH', user.id, admin.token, {})).json()).toEqual(readModel(user))
  })

  it('refuses a null flag with 422 rather than deactivating (deliberate difference 1)', async () => {
    const { user } = await t.createUser()
    for (const payload of [{ is_active: null }, { is_superuser: null }, { is_verified: null }, { email: null }, { is_active: 'false' }, { is_active: 0 }]) {
      const res = await call('PATCH', user.id, admin.token, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    expect(await t.store.users.get(user.id)).toEqual(user)
  })

  it('changes the email and resets is_verified, unless the same update sets it', async () => {
    const { user } = await t.createUser({ is_verified: true })
    const moved = await call('PATCH', user.id, admin.token, { email: uniqueEmail('moved') })
    expect(moved.json().is_verified).toBe(false)
    const email = uniqueEmail('kept')
    const kept = await call('PATCH', user.id, admin.token, { email, is_verified: true })
    expect(kept.json()).toMatchObject({ email, is_verified: true })
  })

  it('changes the password; password null keeps it', async () => {
    const { user } = await t.createUser()
    await call('PATCH', user.id, admin.token, { password: null })
    expect((await t.store.users.get(user.id))!.hashed_password).toBe(user.hashed_password)
    expect((await call('PATCH', user.id, admin.token, { password: 'set-by-the-admin' })).statusCode).toBe(200)
    await t.login(user.email, 'set-by-the-admin')
  })

  it('answers the update error codes', async () => {
    const { user } = await t.createUser()
    const other = await t.createUser()
    const taken = await call('PATCH', user.id, admin.token, { email: other.user.email.toUpperCase() })
    expect(taken.statusCode).toBe(400)
    expect(taken.json()).toEqual({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' })
    const weak = await call('PATCH', user.id, admin.token, { password: 'short' })
    expect(weak.json()).toEqual({ detail: { code: 'UPDATE_USER_INVALID_PASSWORD', reason: 'Password should be at least 8 characters' } })
  })

  it('calls onAfterUpdate with the changed fields, the password as `true`', async () => {
    const { user } = await t.createUser()
    await call('PATCH', user.id, admin.token, { password: 'set-by-the-admin', is_superuser: true })
    const calls = t.callsOf('onAfterUpdate')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args[1]).toEqual({ password: true, is_superuser: true })
    expect((calls[0]!.args[0] as { id: string }).id).toBe(user.id)
  })

  it('deletes: 204 with an empty body, both hooks in order, then 404 and 401 for the old token', async () => {
    const victim = await t.createUser()
    const res = await call('DELETE', victim.user.id)
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
    expect(t.calls.map((c) => c.hook)).toEqual(['onBeforeDelete', 'onAfterDelete'])
    for (const c of t.calls) {
      expect(c.args).toHaveLength(2)
      expect((c.args[0] as { id: string }).id).toBe(victim.user.id)
      expect((c.args[1] as { url: string }).url).toBe(`/users/${victim.user.id}`)
    }
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      expect((await call(method, victim.user.id, admin.token, method === 'PATCH' ? {} : undefined)).statusCode).toBe(404)
    }
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(victim.token) })
    expect(me.statusCode).toBe(401)
  })

  it('lets a superuser delete itself, and a demoted superuser loses access at once', async () => {
    const self = await t.createUser({ is_superuser: true })
    expect((await call('DELETE', self.user.id, self.token)).statusCode).toBe(204)
    const demoted = await t.createUser({ is_superuser: true })
    await call('PATCH', demoted.user.id, admin.token, { is_superuser: false })
    expect((await call('GET', admin.user.id, demoted.token)).statusCode).toBe(403)
  })
})

describe('/users/{id} when verification is required', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ requiresVerification: true })
  })
  afterAll(() => t.close())

  it('answers 403 to an unverified superuser, even for an unknown id, and serves a verified one', async () => {
    const unverified = await t.createUser({ is_superuser: true })
    const verified = await t.createUser({ is_superuser: true, is_verified: true })
    for (const id of [verified.user.id, UNKNOWN_UUID]) {
      const res = await t.app.inject({ method: 'GET', url: `/users/${id}`, headers: bearerAuth(unverified.token) })
      expect(res.statusCode).toBe(403)
    }
    const ok = await t.app.inject({ method: 'GET', url: `/users/${unverified.user.id}`, headers: bearerAuth(verified.token) })
    expect(ok.statusCode).toBe(200)
  })
})
