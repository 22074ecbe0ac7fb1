/**
 * `login` and `register` on the example's default SQLite store, against a bare route that does
 * one argon2id hash with the same parameters. Both are bound by hashing; the targets (issue 7)
 * are 0.9 of the bare route's req/s.
 *
 * Logins go to users picked at random among 1,000 seeded ones, so that no account sees more
 * than the odd concurrent attempt (per-account login throttling counts an attempt before the
 * password is checked); registrations use a new email each.
 */
import { closedLoop, type ClosedLoopOptions } from '../load.ts'
import { alternate, combine, pairedRatio, row, type Row } from '../report.ts'
import { FORM, JSON_BODY, loginForm, PASSWORD, startBaseline, startExample, type BenchContext } from '../servers.ts'
import { createDatabase, seededEmail, seedUsers } from '../databases.ts'
import { seedHash } from '../seed-hash.ts'
import type { ServerProcess } from '../server-process.ts'

export const AUTH_CONNECTIONS = 16
const USERS = 1000

/** Login requests as random users among the first `users` seeded ones. */
export function loginRequests(users: number): Pick<ClosedLoopOptions, 'path' | 'method' | 'headers' | 'vary'> {
  return {
    path: '/auth/jwt/login',
    method: 'POST',
    headers: FORM,
    vary: () => ({ body: loginForm(seededEmail(1 + Math.floor(Math.random() * users)), PASSWORD) }),
  }
}

let registered = 0
const registerRequests: Pick<ClosedLoopOptions, 'path' | 'method' | 'headers' | 'vary'> = {
  path: '/auth/register',
  method: 'POST',
  headers: JSON_BODY,
  vary: () => ({ body: JSON.stringify({ email: `new${process.pid}-${++registered}@bench.example.com`, password: PASSWORD }) }),
}

export async function authScenario(context: BenchContext, which: Array<'login' | 'register'>): Promise<Row[]> {
  const database = await createDatabase('sqlite', context.tmpDir)
  if ('reason' in database) return [{ scenario: 'login', server: '—', note: `skipped: ${database.reason}` }]
  await seedUsers(database.url, USERS, await seedHash())
  const rows: Row[] = []
  const baseline = await startBaseline(context, 'baseline-token', {})
  const example = await startExample(context, database.url)
  try {
    for (const scenario of which) {
      const requests = scenario === 'login' ? loginRequests(USERS) : registerRequests
      const [bare, full] = await alternate(
        [baseline, example],
        (server: ServerProcess) =>
          closedLoop(server.url, { ...requests, connections: AUTH_CONNECTIONS, seconds: context.seconds, warmupSeconds: context.warmupSeconds }),
        context.rounds,
      )
      rows.push(row(scenario, 'baseline', combine(bare!)))
      const ratio = pairedRatio(full!, bare!, (run) => run.result.rps)
      rows.push(row(scenario, 'example', combine(full!), [{ label: 'req/s vs baseline', value: ratio, min: 0.9 }]))
    }
  } finally {
    await baseline.stop()
    await example.stop()
    await database.drop()
  }
  return rows
}
