/**
 * `GET /users` (issue 15): superusers list and search users with an opaque cursor; every
 * refusal (401, 403, 422 with its stable code), the route absent unless asked for, its named
 * schemas in the OpenAPI document, and the user objects of the other routes unchanged.
 */
import swagger from '@fastify/swagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigurationError, fastifyUsers } from '../../src/index.ts'
import type { UserDatabase } from '../../src/db/types.ts'
import { bearerAuth, buildTestApp, SECRET, type CreatedUser, type TestApp } from '../support/app.ts'

describe('GET /users', () => {
  let t: TestApp
  let admin: CreatedUser
  let plain: CreatedUser
  const tag = `list${process.pid}`
  beforeAll(async () => {
    t = await buildTestApp({
      usersRoutes: { list: true },
      before: async (app, { bearer, cookie }) => {
        await app.register(swagger, {
          openapi: {
            info: { title: 'test', version: '1.0.0' },
            components: { securitySchemes: { jwt: bearer.transport.securityScheme(), cookie: cookie.transport.securityScheme() } },
          },
        })
      },
    })
    admin = await t.createUser({ email: `${tag}-admin@example.com`, is_superuser: true, is_verified: true })
    plain = await t.createUser({ email: `${tag}-plain@example.com` })
    for (const name of ['carol', 'Alice', 'bob', 'dave', 'erin']) {
      await t.createUser({ email: `${tag}-${name}@example.com`, is_active: name !== 'dave' })
    }
  })
  afterAll(() => t.close())

  const list = (query: string, token = admin.token) => t.app.inject({ method: 'GET', url: `/users?${query}`, headers: bearerAuth(token) })

  it('pages through users by email with an opaque cursor, each user once, as GET /users/{id} shows them', async () => {
    const emails: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await list(`limit=2&email_prefix=${tag}${cursor === null ? '' : `&cursor=${cursor}`}`)
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json()
      expect(body.items.length).toBeLessThanOrEqual(2)
      for (const item of body.items) {
        expect(Object.keys(item)).toEqual(['id', 'email', 'is_active', 'is_superuser', 'is_verified', 'created_at'])
        const { created_at: createdAt, ...user } = item
        expect(Date.parse(createdAt)).not.toBeNaN()
        const single = await t.app.inject({ method: 'GET', url: `/users/${item.id}`, headers: bearerAuth(admin.token) })
        expect(single.json()).toEqual(user)
        emails.push(item.email)
      }
      cursor = body.next_cursor
      pages++
    } while (cursor !== null && pages < 10)
    expect(pages).toBe(4)
    expect(emails).toEqual(['admin', 'Alice', 'bob', 'carol', 'dave', 'erin', 'plain'].map((name) => `${tag}-${name}@example.com`))
  })

  it('sorts by creation time both ways, filters by flags and substring, and counts on request', async () => {
    const newest = await list(`sort=created_at&order=desc&limit=1&email_contains=${tag.toUpperCase()}`)
    expect(newest.json().items[0].email).toBe(`${tag}-erin@example.com`)
    const oldest = await list(`sort=created_at&order=asc&limit=1&email_contains=${tag}`)
    expect(oldest.json().items[0].email).toBe(`${tag}-admin@example.com`)
    const inactive = await list(`is_active=false&email_prefix=${tag}&include_total=true`)
    expect(inactive.json()).toMatchObject({ items: [{ email: `${tag}-dave@example.com` }], next_cursor: null, total: 1 })
    const superusers = await list(`is_superuser=true&is_verified=true&email_prefix=${tag}`)
    expect(superusers.json().items.map((item: { id: string }) => item.id)).toEqual([admin.user.id])
    expect(superusers.json()).not.toHaveProperty('total')
    const future = await list(`created_after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
    expect(future.json()).toEqual({ items: [], next_cursor: null })
    const past = await list(`created_before=2000-01-01T00:00:00%2B02:00&include_total=true`)
    expect(past.json()).toEqual({ items: [], next_cursor: null, total: 0 })
  })

  it('answers 401 without a token and 403 to a non-superuser, before validating the query', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/users?limit=0' })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toEqual({ detail: 'Unauthorized' })
    for (const query of ['', 'limit=0', 'cursor=%00']) {
      const res = await list(query, plain.token)
      expect(res.statusCode).toBe(403)
      expect(res.json()).toEqual({ detail: 'Forbidden' })
    }
  })

  it('answers 422 to a query outside the schema', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'limit=-1', 'sort=id', 'order=up', 'is_active=yes', 'created_after=yesterday', 'email_prefix=']) {
      const res = await list(query)
      expect(res.statusCode, query).toBe(422)
      expect(res.json().detail[0].loc[0], query).toBe('query')
    }
    expect((await list('limit=100')).statusCode).toBe(200)
  })

  it('answers 422 LIST_USERS_INVALID_CURSOR to a cursor it did not give, or of another sort', async () => {
    const first = (await list('limit=1')).json().next_cursor as string
    expect(typeof first).toBe('string')
    const tampered = Buffer.from('{"s":"email","o":"asc","k":5,"t":"x"}').toString('base64url')
    for (const query of ['cursor=garbage', `cursor=${tampered}`, `cursor=${first}&order=desc`, `cursor=${first}&sort=created_at`]) {
      const res = await list(query)
      expect(res.statusCode, query).toBe(422)
      expect(res.json()).toEqual({ detail: [{ type: 'cursor_invalid', loc: ['query', 'cursor'], msg: 'Invalid cursor' }] })
    }
    expect((await list(`cursor=${first}`)).statusCode).toBe(200)
  })

  it('answers 422 LIST_USERS_INVALID_DATETIME to a date-time that names no instant', async () => {
    const res = await list('created_before=2026-13-45T00:00:00Z')
    expect(res.statusCode).toBe(422)
    expect(res.json()).toEqual({ detail: [{ type: 'datetime_parsing', loc: ['query', 'created_before'], msg: 'Invalid datetime' }] })
  })

  it('appears in the OpenAPI document with named schemas', () => {
    const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }
    const operation = doc.paths['/users/']?.['get'] ?? doc.paths['/users']?.['get']
    expect(operation?.['operationId']).toBe('users:list_users')
    expect(Object.keys(operation?.['responses'] as object).sort()).toEqual(['200', '401', '403', '422'])
    expect(JSON.stringify(operation)).toContain('UserListPage')
    expect(JSON.stringify(operation)).toContain('UserListItem')
    expect(JSON.stringify(operation)).not.toContain('hashed_password')
  })
})

describe('GET /users, not asked for', () => {
  it('does not exist by default, as in FastAPI Users', async () => {
    const t = await buildTestApp()
    try {
      const admin = await t.createUser({ is_superuser: true })
      const res = await t.app.inject({ method: 'GET', url: '/users', headers: bearerAuth(admin.token) })
      expect(res.statusCode).toBe(404)
    } finally {
      await t.close()
    }
  })

  it('refuses, when the users routes are built, a database that cannot list users', async () => {
    const t = await buildTestApp()
    try {
      const { listUsers: _dropped, ...rest } = Object.fromEntries(
        ['get', 'getByEmail', 'getByOAuthAccount', 'create', 'update', 'updatePassword', 'delete', 'listOAuthAccounts', 'addOAuthAccount', 'updateOAuthAccount']
          .map((name) => [name, (t.store.users as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!.bind(t.store.users)]),
      ) as Record<string, unknown>
      const users = fastifyUsers({
        db: rest as unknown as UserDatabase,
        backends: [t.bearer],
        manager: { resetPasswordTokenSecret: SECRET, verificationTokenSecret: SECRET },
      })
      expect(() => users.usersRoutes({ list: true })).toThrow(ConfigurationError)
      expect(() => users.usersRoutes({ list: true })).toThrow(expect.objectContaining({ code: 'USERS_LIST_UNSUPPORTED' }))
      expect(() => users.usersRoutes()).not.toThrow()
    } finally {
      await t.close()
    }
  })
})
