/**
 * What the users routes never read: the body of a GET or a DELETE (FastAPI ignores it, so a
 * body that Fastify cannot parse must not turn a deletion into a 422), and, with the server
 * options that README's "Routes" section recommends, ids that Fastify's router refuses before
 * any plugin runs (broken percent-encoding, more than `maxParamLength` characters).
 */
import type { FastifyReply, FastifyServerOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNKNOWN_UUID, bearerAuth } from '../support/app.ts'
import { buildSecureApp, loginRequest, type SecureApp } from '../security/app.ts'

/** Bodies Fastify cannot parse, or would refuse, by content type. */
const UNREADABLE_BODIES: Array<{ type: string; body: string }> = [
  { type: 'application/json', body: '{"broken' },
  { type: 'application/json', body: '' },
  { type: 'application/json', body: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}` },
  { type: 'application/xml', body: '<user/>' },
  { type: 'multipart/form-data', body: '--x\r\n' },
  { type: 'text/plain', body: 'delete me' },
]

describe('bodies of GET and DELETE', () => {
  let s: SecureApp
  let admin: string
  let regular: string
  beforeAll(async () => {
    s = await buildSecureApp({ security: { rateLimit: false } })
    admin = await tokenOf(s, { is_superuser: true })
    regular = await tokenOf(s)
  })
  afterAll(() => s.close())

  const withBody = (method: 'GET' | 'DELETE' | 'PATCH', url: string, token: string | null, { type, body }: { type: string; body: string }) =>
    s.app.inject({ method, url, headers: { 'content-type': type, ...(token === null ? {} : bearerAuth(token)) }, payload: body })

  it('deletes whatever the body, as FastAPI does', async () => {
    for (const body of UNREADABLE_BODIES) {
      const { user } = await s.createUser()
      const res = await withBody('DELETE', `/users/${user.id}`, admin, body)
      expect({ type: body.type, status: res.statusCode, body: res.body }).toEqual({ type: body.type, status: 204, body: '' })
      expect(await s.store.users.get(user.id)).toBeNull()
    }
  })

  it('answers 404, 403 and 401 as usual, whatever the body', async () => {
    const { user } = await s.createUser()
    for (const body of UNREADABLE_BODIES) {
      const statuses = [
        (await withBody('DELETE', `/users/${UNKNOWN_UUID}`, admin, body)).statusCode,
        (await withBody('DELETE', '/users/not-a-uuid', admin, body)).statusCode,
        (await withBody('DELETE', `/users/${user.id}`, regular, body)).statusCode,
        (await withBody('DELETE', `/users/${user.id}`, null, body)).statusCode,
      ]
      expect({ type: body.type, statuses }).toEqual({ type: body.type, statuses: [404, 404, 403, 401] })
    }
    expect(await s.store.users.get(user.id)).not.toBeNull()
  })

  it('serves GET whatever the body', async () => {
    const { user } = await s.createUser()
    for (const body of UNREADABLE_BODIES) {
      expect((await withBody('GET', `/users/${user.id}`, admin, body)).json().id).toBe(user.id)
      expect((await withBody('GET', '/users/me', regular, body)).statusCode).toBe(200)
    }
  })

  it('still reads the body of PATCH', async () => {
    const { user } = await s.createUser()
    const res = await withBody('PATCH', `/users/${user.id}`, admin, { type: 'application/json', body: '{"broken' })
    expect(res.statusCode).toBe(422)
    expect(res.json().detail[0].loc).toEqual(['body'])
  })

  it('leaves the connection usable after an unread body, over HTTP', async () => {
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' })
    const { user } = await s.createUser()
    const deleted = await fetch(`${address}/users/${user.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', ...bearerAuth(admin) },
      body: UNREADABLE_BODIES[2]!.body,
    })
    expect(deleted.status).toBe(204)
    const me = await fetch(`${address}/users/me`, { headers: bearerAuth(regular) })
    expect(me.status).toBe(200)
  })
})

describe('ids the router refuses, with the recommended server options', () => {
  /** README, "Routes": the Fastify options that let every id reach the users routes. */
  const server: FastifyServerOptions = {
    routerOptions: { maxParamLength: 16_384 },
    frameworkErrors: (error, _request, reply: FastifyReply) =>
      error.code === 'FST_ERR_BAD_URL' ? reply.code(404).send({ detail: 'Not Found' }) : reply.send(error),
  }
  let s: SecureApp
  let admin: string
  let regular: string
  beforeAll(async () => {
    s = await buildSecureApp({ server })
    admin = await tokenOf(s, { is_superuser: true })
    regular = await tokenOf(s)
  })
  afterAll(() => s.close())

  const call = (method: 'GET' | 'PATCH' | 'DELETE', url: string, token: string | null) =>
    s.app.inject({ method, url, headers: token === null ? {} : bearerAuth(token), ...(method === 'PATCH' ? { payload: {} } : {}) })

  it('answers 404 Not Found to an id with broken percent-encoding', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      for (const id of ['%E0%A4%A', '%', '%zz', 'abc%']) {
        const res = await call(method, `/users/${id}`, admin)
        expect({ method, id, status: res.statusCode, body: res.json() }).toEqual({ method, id, status: 404, body: { detail: 'Not Found' } })
      }
    }
  })

  it('treats an id of any length as any malformed id: 404 to a superuser, 403 and 401 to others', async () => {
    for (const length of [101, 1000, 10_000]) {
      const url = `/users/${'a'.repeat(length)}`
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const answers = [await call(method, url, admin), await call(method, url, regular), await call(method, url, null)]
        expect({ length, method, answers: answers.map((res) => [res.statusCode, res.json()]) }).toEqual({
          length,
          method,
          answers: [[404, { detail: 'Not Found' }], [403, { detail: 'Forbidden' }], [401, { detail: 'Unauthorized' }]],
        })
      }
    }
  })
})

async function tokenOf(s: SecureApp, fields: { is_superuser?: boolean } = {}): Promise<string> {
  const { user, password } = await s.createUser(fields)
  const res = await s.app.inject(loginRequest(user.email, password))
  expect(res.statusCode, res.body).toBe(200)
  return res.json().access_token
}
