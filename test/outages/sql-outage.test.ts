/**
 * The SQL stores through a proxy that the test cuts and hangs: an unreachable or hung
 * PostgreSQL or MariaDB is a `ServiceUnavailableError` within the query timeout, for the users,
 * the access tokens and the revocation state alike, the process survives the dropped
 * connections, and the store serves again once the database is back, without being reopened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ServiceUnavailableError } from '../../src/errors.ts'
import { KyselyRevocationStore, mysqlUserDatabase, postgresUserDatabase, type KyselyUserStore } from '../../src/db/kysely/index.ts'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts'
import { requireMysql, requirePostgres, scratchMysqlDatabase, scratchPostgresSchema, type ScratchDatabase } from '../support/services.ts'

const postgresUrl = await requirePostgres()
const mysqlUrl = await requireMysql()

function outageSuite(name: string, adminUrl: string | null, scratch: (url: string) => Promise<ScratchDatabase>, open: (url: string) => Promise<KyselyUserStore>) {
  describe.skipIf(adminUrl === null)(`${name} outage`, () => {
    let database: ScratchDatabase
    let proxy: FaultProxy
    let store: KyselyUserStore
    let revocation: KyselyRevocationStore
    let userId: string

    beforeAll(async () => {
      database = await scratch(adminUrl!)
      const url = new URL(database.url)
      proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port) })
      url.host = `${proxy.host}:${proxy.port}`
      store = await open(url.toString())
      revocation = new KyselyRevocationStore({ db: store.db, dialect: store.dialect })
      const user = await store.users.create({ email: `${name}-outage@example.com`, hashed_password: 'x', is_active: true, is_superuser: false, is_verified: false })
      userId = user.id
    })

    afterAll(async () => {
      await store?.destroy()
      await proxy?.close()
      await database?.drop()
    })

    const calls = () => [
      () => store.users.get(userId),
      () => store.accessTokens.getByToken('some-token'),
      () => revocation.check(userId, 'some-token-key'),
      () => store.ping(),
    ]

    it('answers 503 while the database is unreachable, and serves again when it is back', async () => {
      await proxy.cut()
      for (const call of calls()) await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError)
      await proxy.heal()
      expect((await store.users.get(userId))?.id).toBe(userId)
    })

    it('answers 503 when the database does not answer in time, and serves again when it does', async () => {
      // A connection of the pool, so that the hang meets a query rather than a connection attempt.
      await store.ping()
      proxy.hang()
      for (const call of calls()) await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError)
      await proxy.heal()
      expect((await store.users.get(userId))?.id).toBe(userId)
    })

    it('keeps driver details in the cause only', async () => {
      await proxy.cut()
      const error = await store.users.get(userId).catch((caught: unknown) => caught)
      await proxy.heal()
      expect(error).toBeInstanceOf(ServiceUnavailableError)
      expect((error as ServiceUnavailableError).message).not.toContain(String(proxy.port))
      expect((error as ServiceUnavailableError).cause).toBeInstanceOf(Error)
    })
  })
}

outageSuite('postgres', postgresUrl, scratchPostgresSchema, (url) => postgresUserDatabase({ connectionString: url, timeoutMs: 300 }))
outageSuite('mysql', mysqlUrl, scratchMysqlDatabase, (url) => mysqlUserDatabase({ uri: url, timeoutMs: 300 }))
