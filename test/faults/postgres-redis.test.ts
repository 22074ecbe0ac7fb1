/**
 * The example on PostgreSQL and Redis (JWT, logouts kept in Redis) under 20 concurrent
 * clients, while PostgreSQL restarts (`pg_ctl restart -m fast`), then stops and starts, and
 * Redis stops and starts empty. The process stays up, the outages answer 503 in the library's
 * shape and nothing else, service resumes without a restart, no acknowledged registration is
 * lost, and correct-password logins are never throttled. Then: tokens revoked before a Redis
 * wipe are still refused after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkNoLoginThrottled, checkOutcomes, DRIVER_WORDS, expectServingOneSecondAfter, sleep } from './support/checks.ts'
import { startExampleServer, type ExampleServer } from './support/example-server.ts'
import { call, logIn, newAccount, startLoad, type Account, type Outcome } from './support/load.ts'
import {
  countPostgresRows,
  hasBinary,
  postgresBinaries,
  startPrivatePostgres,
  startPrivateRedis,
  type PrivateService,
} from './support/private-services.ts'

const bin = postgresBinaries()
const available = bin !== null && hasBinary('redis-server') && hasBinary('runuser')
const CLIENTS = 20

describe.skipIf(!available)('PostgreSQL and Redis faults under load', () => {
  let postgres: (PrivateService & { restart(): Promise<void> }) | undefined
  let redis: PrivateService | undefined
  let server: ExampleServer | undefined
  let outcomes: Outcome[] = []
  let redisWipedAt = Infinity

  beforeAll(async () => {
    postgres = await startPrivatePostgres(bin!)
    redis = await startPrivateRedis()
    server = await startExampleServer({ DATABASE_URL: postgres.url, REDIS_URL: redis.url, AUTH_STRATEGY: 'jwt' })
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    await redis?.dispose()
    await postgres?.dispose()
  }, 120_000)

  it('stays up, answers 503 during outages and serves again after each', async () => {
    const base = server!.url
    const accounts: Account[] = []
    for (let i = 0; i < CLIENTS; i++) accounts.push(await newAccount(base, `client${i}`))
    const probe = await newAccount(base, 'probe')
    const load = startLoad(base, accounts, { maxRequests: 6000, maxMs: 150_000 })
    try {
      await sleep(1500)
      await postgres!.restart()
      await expectServingOneSecondAfter(base, probe)

      await postgres!.stop()
      await sleep(2000)
      await postgres!.start()
      await expectServingOneSecondAfter(base, probe)

      redisWipedAt = Date.now()
      await redis!.stop()
      await sleep(2000)
      await redis!.start()
      await expectServingOneSecondAfter(base, probe)
      await sleep(1000)
    } finally {
      outcomes = await load.stop()
    }

    expect(server!.alive(), server!.output.join('')).toBe(true)
    const { unavailable, created } = checkOutcomes(outcomes, {
      leaks: [...DRIVER_WORDS, `:${postgres!.port}`, `:${redis!.port}`, '127.0.0.1'],
      allow401After: redisWipedAt,
    })
    expect(unavailable).toBeGreaterThan(0)
    // Every 201 is a row, and every row of a load registration got its 201.
    expect(await countPostgresRows(bin!, postgres!.port, 'user')).toBe(CLIENTS + 1 + created)
    const health = await call(base, 'GET', '/health/ready')
    expect(health.status).toBe(200)
  }, 240_000)

  it('never throttled a correct-password login', () => {
    checkNoLoginThrottled(outcomes)
  })

  it('answers /health 200 and /health/ready 503 while Redis is down', async () => {
    const base = server!.url
    await redis!.stop()
    try {
      expect((await call(base, 'GET', '/health')).status).toBe(200)
      const ready = await call(base, 'GET', '/health/ready')
      expect(ready.status).toBe(503)
      expect(JSON.parse(ready.body)).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'unavailable' } })
    } finally {
      await redis!.start()
    }
    await sleep(1000)
    expect((await call(base, 'GET', '/health/ready')).status).toBe(200)
  }, 60_000)

  // Needs durable revocations (issue 11 item 4): Redis losing its data must not undo a logout.
  it('still refuses tokens revoked before Redis lost its data', async () => {
    const base = server!.url
    const loggedOut = await newAccount(base, 'revoked')
    const everywhere = await newAccount(base, 'everywhere')
    const second = await logIn(base, everywhere)
    expect((await call(base, 'POST', '/auth/jwt/logout', { token: loggedOut.token })).status).toBe(204)
    expect((await call(base, 'POST', '/auth/jwt/logout-all', { token: everywhere.token })).status).toBeLessThan(300)
    for (const token of [loggedOut.token, everywhere.token, second]) {
      expect((await call(base, 'GET', '/users/me', { token })).status).toBe(401)
    }
    await redis!.stop()
    await redis!.start()
    await sleep(1000)
    for (const token of [loggedOut.token, everywhere.token, second]) {
      const reply = await call(base, 'GET', '/users/me', { token })
      expect(reply.status, reply.body).toBe(401)
    }
  }, 60_000)
})
