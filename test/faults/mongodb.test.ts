/**
 * No MongoDB server installs here: the adapter's outage is shown on the wire-compatible
 * stand-in, stopped under the example. Once it is gone, library routes, the guard and the
 * example's own routes answer 503 in the library's shape (no driver message), readiness says
 * which store failed, and the process goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../examples/full/app.ts'
import { readConfig } from '../../examples/full/config.ts'
import { scratchDatabaseName, startMongoTestServer, type MongoTestServer } from '../support/mongo-server.ts'

describe('MongoDB adapter with its server gone', () => {
  let mongo: MongoTestServer | null = null
  let app: FastifyInstance | undefined

  beforeAll(async () => {
    mongo = await startMongoTestServer()
    if (mongo === null) return
    const url = mongo.url.replace(/\/(\?|$)/, `/${scratchDatabaseName()}$1`)
    const config = readConfig({ DATABASE_URL: url, SECRET: 'x'.repeat(40), RATE_LIMIT: 'off' }, () => {})
    app = await buildApp({ ...config }, undefined)
    app.log.level = 'silent'
  })

  afterAll(async () => {
    await app?.close().catch(() => {})
    await mongo?.stop()
  })

  it('answers 503 without details once the server is gone', async (context) => {
    if (mongo === null || mongo.kind !== 'congodb') return context.skip()
    const credentials = { email: 'gone@example.com', password: 'a long enough password' }
    expect((await app!.inject({ method: 'POST', url: '/auth/register', payload: credentials })).statusCode).toBe(201)
    const login = await app!.inject({
      method: 'POST',
      url: '/auth/jwt/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${encodeURIComponent(credentials.email)}&password=${encodeURIComponent(credentials.password)}`,
    })
    expect(login.statusCode).toBe(200)
    const token = (login.json() as { access_token: string }).access_token

    await mongo.stop()
    const requests = [
      { method: 'GET' as const, url: '/users/me' },
      { method: 'GET' as const, url: '/authenticated-route' },
      { method: 'POST' as const, url: '/auth/register', payload: { email: 'later@example.com', password: credentials.password } },
      { method: 'PATCH' as const, url: '/users/me', payload: { email: 'renamed@example.com' } },
    ]
    for (const request of requests) {
      const reply = await app!.inject({ ...request, headers: { authorization: `Bearer ${token}` } })
      expect(reply.statusCode, `${request.url}: ${reply.body}`).toBe(503)
      expect(reply.json()).toEqual({ detail: 'SERVICE_UNAVAILABLE' })
      expect(reply.headers['retry-after']).toMatch(/^\d+$/)
    }
    // forgot-password works after its answer, so that its timing says nothing about the address.
    expect((await app!.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: credentials.email } })).statusCode).toBe(202)
    expect((await app!.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    const ready = await app!.inject({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable' } })
  })
})
