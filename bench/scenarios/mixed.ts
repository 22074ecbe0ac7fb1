/**
 * `mixed`: authenticated reads while a login storm fills the libuv pool with argon2 hashes. The
 * reads come at a steady rate (open loop), so their latency is what a user would see, not a
 * queue the load generator made. The baseline hashes on the libuv pool and answers reads on the
 * event loop, which is the best a Node server can do; the targets (issue 7) are the example's
 * read p99 at most 1.5 times the baseline's under the same storm, and its p50 under 1 ms.
 */
import { closedLoop, pacedRequests, type LoadResult } from '../load.ts'
import { alternate, combine, pairedRatio, row, type Row } from '../report.ts'
import { login, startBaseline, startExample, type BenchContext } from '../servers.ts'
import { createDatabase, seededEmail, seedUsers } from '../databases.ts'
import { seedHash } from '../seed-hash.ts'
import type { ServerProcess } from '../server-process.ts'
import { AUTH_CONNECTIONS, loginRequests } from './auth.ts'

const USERS = 1000
export const READS_PER_SECOND = 250
/** Seconds the storm runs before the reads start, so that the pool is full when they do. */
const RAMP_SECONDS = 1

export async function mixedScenario(context: BenchContext): Promise<Row[]> {
  const database = await createDatabase('sqlite', context.tmpDir)
  if ('reason' in database) return [{ scenario: 'mixed', server: '—', note: `skipped: ${database.reason}` }]
  await seedUsers(database.url, USERS, await seedHash())
  const example = await startExample(context, database.url)
  const token = await login(example.url, seededEmail(1))
  const me = await (await fetch(`${example.url}/users/me`, { headers: { authorization: `Bearer ${token}` } })).json()
  const baseline = await startBaseline(context, token, me)
  const storms = new Map<ServerProcess, LoadResult[]>([[baseline, []], [example, []]])
  const reads = (server: ServerProcess) =>
    pacedRequests(server.url, {
      path: '/users/me',
      headers: { authorization: `Bearer ${token}` },
      ratePerSecond: READS_PER_SECOND,
      seconds: context.seconds,
    })
  try {
    // The same reads without the storm: what the storm adds is the difference.
    const [quietBare, quietFull] = await alternate([baseline, example], reads, 1)
    const [bare, full] = await alternate(
      [baseline, example],
      async (server) => {
        const storm = closedLoop(server.url, {
          ...loginRequests(USERS),
          connections: AUTH_CONNECTIONS,
          seconds: RAMP_SECONDS + context.seconds + 1,
        })
        await new Promise((resolve) => setTimeout(resolve, RAMP_SECONDS * 1000))
        const measured = await reads(server)
        storms.get(server)!.push(await storm)
        return measured
      },
      context.rounds,
    )
    // The CPU column would count the storm's hashes against the reads: left out here.
    const stormed = { ...combine(full!), cpuMsPerRequest: Number.NaN }
    const p99Ratio = pairedRatio(full!, bare!, (run) => run.result.p99Ms)
    const stormRate = (server: ServerProcess) =>
      `storm: ${storms.get(server)!.map((run) => run.rps.toFixed(1)).join(', ')} logins/s, ${storms.get(server)!.reduce((sum, run) => sum + run.errors, 0)} errors`
    return [
      { ...row('mixed: the same reads, no storm', 'baseline', combine(quietBare!)), note: `${READS_PER_SECOND} reads/s, open loop` },
      { ...row('mixed: the same reads, no storm', 'example', combine(quietFull!)), note: `${READS_PER_SECOND} reads/s, open loop` },
      { ...row('mixed: reads during login storm', 'baseline', { ...combine(bare!), cpuMsPerRequest: Number.NaN }), note: stormRate(baseline) },
      row('mixed: reads during login storm', 'example', stormed, [
        { label: 'p99 vs baseline', value: p99Ratio, max: 1.5 },
        { label: 'p50 ms', value: stormed.result.p50Ms, max: 1 },
      ]),
      { scenario: 'mixed: the storm itself', server: 'example', note: stormRate(example) },
    ]
  } finally {
    await baseline.stop()
    await example.stop()
    await database.drop()
  }
}
