/**
 * `scale`: `GET /users/me` and login with 1,000 and with 1,000,000 users, on SQLite and
 * PostgreSQL (seeded in bulk, see databases.ts). The two servers run side by side and are
 * measured alternately; one connection each, so that p50 is the time one request takes rather
 * than a queue. The target (issue 7): the million-user p50s within 10% of the thousand-user ones.
 * Reads carry the tokens of 1,000 users spread over the whole table, signed with the example's
 * secret, so that lookups do not all hit one cached page.
 */
import { importJwtKeys } from '../../src/jwt/keys.ts'
import { signJwt } from '../../src/jwt/sign.ts'
import { AUTH_AUDIENCE } from '../../src/tokens.ts'
import { closedLoop } from '../load.ts'
import { alternate, combine, pairedRatio, row, type Row } from '../report.ts'
import { SECRET, startExample, type BenchContext } from '../servers.ts'
import { createDatabase, seededId, seedUsers, type Adapter, type BenchDatabase } from '../databases.ts'
import { seedHash } from '../seed-hash.ts'
import type { ServerProcess } from '../server-process.ts'
import { loginRequests } from './auth.ts'

const SIZES = [1000, 1_000_000]
const TOKENS = 1000

async function tokensFor(users: number): Promise<string[]> {
  const keys = importJwtKeys({ secret: SECRET })
  return Promise.all(
    Array.from({ length: TOKENS }, (_, i) =>
      signJwt({ sub: seededId(1 + Math.floor((i * users) / TOKENS)) }, keys, { audience: [AUTH_AUDIENCE], lifetimeSeconds: 3600 })),
  )
}

export async function scaleScenario(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const adapter of ['sqlite', 'postgres'] as Adapter[]) {
    const databases: BenchDatabase[] = []
    const servers: ServerProcess[] = []
    try {
      for (const size of SIZES) {
        const database = await createDatabase(adapter, context.tmpDir)
        if ('reason' in database) throw Object.assign(new Error(database.reason), { skipped: true })
        databases.push(database)
        await seedUsers(database.url, size, await seedHash())
        servers.push(await startExample(context, database.url))
      }
      const tokens = new Map<ServerProcess, string[]>()
      for (const [index, server] of servers.entries()) tokens.set(server, await tokensFor(SIZES[index]!))
      const users = new Map(servers.map((server, index) => [server, SIZES[index]!]))
      const reads = await alternate(
        servers,
        (server) => {
          const mine = tokens.get(server)!
          return closedLoop(server.url, {
            path: '/users/me',
            vary: () => ({ headers: { authorization: `Bearer ${mine[Math.floor(Math.random() * mine.length)]}` } }),
            connections: 1,
            seconds: context.seconds,
            warmupSeconds: context.warmupSeconds,
          })
        },
        context.rounds,
      )
      const logins = await alternate(
        servers,
        (server) => closedLoop(server.url, { ...loginRequests(users.get(server)!), connections: 1, seconds: context.seconds }),
        context.rounds,
      )
      for (const [name, runs] of [['read', reads], ['login', logins]] as const) {
        const [small, large] = runs
        rows.push(row(`scale ${adapter} ${name}, 1,000 users`, 'example', combine(small!)))
        rows.push(row(`scale ${adapter} ${name}, 1,000,000 users`, 'example', combine(large!), [
          { label: 'p50 vs 1,000 users', value: pairedRatio(large!, small!, (run) => run.result.p50Ms), max: 1.1 },
        ]))
      }
    } catch (error) {
      if (!(error as { skipped?: boolean }).skipped) throw error
      rows.push({ scenario: `scale ${adapter}`, server: '—', note: `skipped: ${(error as Error).message}` })
    } finally {
      for (const server of servers) await server.stop()
      for (const database of databases) await database.drop()
    }
  }
  return rows
}
