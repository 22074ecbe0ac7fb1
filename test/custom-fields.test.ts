/**
 * An application's own user fields: TypeBox schemas for the read, create and update models and
 * matching SQLite columns, through register, read and update; bad values are 422 and the
 * privileged fields stay protected.
 */
import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, buildTestApp, uniqueEmail, type CreatedUser, type TestApp } from './support/app.ts'

const PASSWORD = 'a-good-password'

describe('custom fields', () => {
  let t: TestApp
  let admin: CreatedUser
  beforeAll(async () => {
    t = await buildTestApp({
      fields: {
        read: { first_name: Type.String(), age: Type.Union([Type.Integer(), Type.Null()]) },
        create: { first_name: Type.String({ minLength: 1 }), age: Type.Optional(Type.Integer({ minimum: 0 })) },
        update: { first_name: Type.Optional(Type.String({ minLength: 1 })), age: Type.Optional(Type.Integer({ minimum: 0 })) },
      },
      storeFields: { first_name: { type: 'text', nullable: false, default: '' }, age: { type: 'integer' } },
    })
    admin = await t.createUser({ is_superuser: true, first_name: 'Admin' })
  })
  afterAll(() => t.close())

  const register = (payload: object) => t.app.inject({ method: 'POST', url: '/auth/register', payload })

  async function registered(fields: object): Promise<{ id: string; email: string; token: string }> {
    const email = uniqueEmail()
    const res = await register({ email, password: PASSWORD, ...fields })
    expect(res.statusCode, res.body).toBe(201)
    return { id: res.json().id, email, token: await t.login(email, PASSWORD) }
  }

  it('registers with the fields and returns them after the base fields', async () => {
    const email = uniqueEmail()
    const res = await register({ email, password: PASSWORD, first_name: 'Lancelot', age: 33 })
    expect(res.statusCode).toBe(201)
    expect(Object.keys(res.json())).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified', 'first_name', 'age'])
    expect(res.json()).toMatchObject({ email, first_name: 'Lancelot', age: 33 })
    expect(await t.store.users.get(res.json().id)).toMatchObject({ first_name: 'Lancelot', age: 33 })
  })

  it('stores an optional field left out as null', async () => {
    const { id, token } = await registered({ first_name: 'Galahad' })
    const me = await t.app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(token) })
    expect(me.json()).toMatchObject({ id, first_name: 'Galahad', age: null })
  })

  it('updates the fields through /users/me and /users/{id}, and tells onAfterUpdate', async () => {
    const { id, token } = await registered({ first_name: 'Percival', age: 20 })
    const mine = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload: { first_name: 'Parsifal' } })
    expect(mine.json()).toMatchObject({ first_name: 'Parsifal', age: 20 })
    expect(t.callsOf('onAfterUpdate').at(-1)!.args[1]).toEqual({ first_name: 'Parsifal' })
    const theirs = await t.app.inject({ method: 'PATCH', url: `/users/${id}`, headers: bearerAuth(admin.token), payload: { age: 21 } })
    expect(theirs.json()).toMatchObject({ first_name: 'Parsifal', age: 21 })
    expect(await t.store.users.get(id)).toMatchObject({ first_name: 'Parsifal', age: 21 })
  })

  it('answers 422 to a missing or bad custom value and stores nothing', async () => {
    const before = t.callsOf('onAfterRegister').length
    for (const fields of [{}, { first_name: '' }, { first_name: 42 }, { first_name: null }, { first_name: 'Bors', age: 'old' }, { first_name: 'Bors', age: 1.5 }, { first_name: 'Bors', age: -1 }]) {
      const res = await register({ email: uniqueEmail(), password: PASSWORD, ...fields })
      expect(res.statusCode, JSON.stringify(fields)).toBe(422)
      expect(Array.isArray(res.json().detail)).toBe(true)
    }
    expect(t.callsOf('onAfterRegister')).toHaveLength(before)
    const { id, token } = await registered({ first_name: 'Bors' })
    for (const payload of [{ age: 'old' }, { first_name: '' }, { age: null }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
    }
    expect(await t.store.users.get(id)).toMatchObject({ first_name: 'Bors', age: null })
  })

  it('keeps the privileged fields protected and drops undeclared ones', async () => {
    const { id, token } = await registered({ first_name: 'Mordred', is_superuser: true, is_active: false, is_verified: true, nickname: 'traitor' })
    const me = await t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearerAuth(token), payload: { is_superuser: true, first_name: 'Medraut', nickname: 'x' } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({ id, email: me.json().email, is_active: true, is_superuser: false, is_verified: false, first_name: 'Medraut', age: null })
    const stored = await t.store.users.get(id)
    expect(stored).toMatchObject({ is_superuser: false, is_active: true, is_verified: false })
    expect(stored).not.toHaveProperty('nickname')
  })
})
