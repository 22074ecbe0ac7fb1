/**
 * The example on MariaDB (JWT, logouts kept in the database) under 20 concurrent clients,
 * while MariaDB restarts, then stops for two seconds and starts again. The process stays up,
 * the outages answer 503 in the library's shape and nothing else, service resumes without a
 * restart, no acknowledged registration is lost, and correct-password logins are never
 * throttled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkNoLoginThrottled, checkOutcomes, DRIVER_WORDS, expectServingOneSecondAfter, sleep } from './support/checks.ts'
import { startExampleServer, type ExampleServer } from './support/example-server.ts'
import { call, newAccount, startLoad, type Account, type Outcome } from './support/load.ts'
import { countMariadbRows, hasBinary, startPrivateMariadb, type PrivateService } from './support/private-services.ts'

const available = hasBinary('mariadb-install-db') && hasBinary('mariadbd') && hasBinary('mariadb')
const CLIENTS = 20

describe.skipIf(!available)('MariaDB faults under load', () => {
  let mariadb: (PrivateService & { log: string[] }) | undefined
  let server: ExampleServer | undefined
  let outcomes: Outcome[] = []

  beforeAll(async () => {
    mariadb = await startPrivateMariadb()
    server = await startExampleServer({ DATABASE_URL: mariadb.url, AUTH_STRATEGY: 'jwt' })
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    await mariadb?.dispose()
  }, 120_000)

  it('stays up, answers 503 during outages and serves again after each', async () => {
    const base = server!.url
    const accounts: Account[] = []
    for (let i = 0; i < CLIENTS; i++) accounts.push(await newAccount(base, `client${i}`))
    const probe = await newAccount(base, 'probe')
    const load = startLoad(base, accounts, { maxRequests: 6000, maxMs: 150_000 })
    try {
      await sleep(1500)
      await mariadb!.stop()
      await mariadb!.start()
      await expectServingOneSecondAfter(base, probe)

      await mariadb!.stop()
      await sleep(2000)
      await mariadb!.start()
      await expectServingOneSecondAfter(base, probe)
      await sleep(1000)
    } finally {
      outcomes = await load.stop()
    }

    expect(server!.alive(), server!.output.join('')).toBe(true)
    const { unavailable, created } = checkOutcomes(outcomes, { leaks: [...DRIVER_WORDS, `:${mariadb!.port}`, '127.0.0.1'] })
    expect(unavailable).toBeGreaterThan(0)
    expect(await countMariadbRows(mariadb!.port, 'user')).toBe(CLIENTS + 1 + created)
    expect((await call(base, 'GET', '/health/ready')).status).toBe(200)
  }, 240_000)

  it('never throttled a correct-password login', () => {
    checkNoLoginThrottled(outcomes)
  })
})
