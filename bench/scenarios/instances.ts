/**
 * `instances`: `GET /users/me` through a round-robin proxy (bench/round-robin-proxy.ts) over two
 * instances of the example on one database (PostgreSQL when one answers, else a SQLite file),
 * against the bare route in the same run, as `read` does. One of the two instances is also read
 * directly, so that the proxy's own cost is visible beside what a second instance adds. The
 * three are measured in turn, `rounds` times; the CPU column of the proxied row counts the
 * proxy and both instances.
 *
 * On a machine whose server cores are few (two CPUs: one for the servers), the two instances
 * and the proxy share them, so the proxied row shows the price of the extra hop rather than a
 * gain; on more cores the instances run side by side.
 */
import { closedLoop, type LoadResult } from '../load.ts'
import { combine, pairedRatio, row, type Measured, type Row } from '../report.ts'
import { registerAndLogin, startBaseline, startExample, startProxy, type BenchContext } from '../servers.ts'
import { createDatabase, type BenchDatabase } from '../databases.ts'
import type { ServerProcess } from '../server-process.ts'
import { READ_CONNECTIONS } from './read.ts'

interface Target {
  /** Where the load goes. */
  entry: ServerProcess
  /** Every process that serves it, for the CPU and memory figures. */
  processes: ServerProcess[]
}

async function measureTarget(target: Target, load: () => Promise<LoadResult>): Promise<Measured> {
  const cpu = () => target.processes.reduce((sum, server) => sum + server.cpuSeconds(), 0)
  const before = cpu()
  const result = await load()
  const spent = cpu() - before
  return {
    result,
    rssMiB: target.processes.reduce((sum, server) => sum + server.peakRssMiB(), 0),
    cpuMsPerRequest: result.requests > 0 ? (spent * 1000) / result.requests : Number.NaN,
  }
}

export async function instancesScenario(context: BenchContext): Promise<Row[]> {
  let database: BenchDatabase | { reason: string } = await createDatabase('postgres', context.tmpDir)
  let adapter = 'postgres'
  if ('reason' in database) {
    adapter = 'sqlite'
    database = await createDatabase('sqlite', context.tmpDir)
    if ('reason' in database) return [{ scenario: 'instances', server: '—', note: `skipped: ${database.reason}` }]
  }
  const started: ServerProcess[] = []
  try {
    // One after the other: the first migrates the database, the second finds it migrated.
    const first = await startExample(context, database.url)
    started.push(first)
    const second = await startExample(context, database.url)
    started.push(second)
    const proxy = await startProxy(context, [first.url, second.url])
    started.push(proxy)
    // Registered through one instance and logged in through the other: one service.
    const { token, me } = await registerAndLogin(proxy.url, 'instances@example.com')
    const baseline = await startBaseline(context, token, me)
    started.push(baseline)

    const targets: Target[] = [
      { entry: baseline, processes: [baseline] },
      { entry: first, processes: [first] },
      { entry: proxy, processes: [proxy, first, second] },
    ]
    const runs: Measured[][] = targets.map(() => [])
    for (let round = 0; round < context.rounds; round++) {
      for (const [index, target] of targets.entries()) {
        const load = () =>
          closedLoop(target.entry.url, {
            path: '/users/me',
            headers: { authorization: `Bearer ${token}` },
            connections: READ_CONNECTIONS,
            seconds: context.seconds,
            warmupSeconds: context.warmupSeconds,
          })
        runs[index]!.push(await measureTarget(target, load))
      }
    }
    const counts = (await (await fetch(`${proxy.url}/__proxy/counts`)).json()) as number[]
    const [bare, direct, proxied] = runs as [Measured[], Measured[], Measured[]]
    const vsBaseline = (subject: Measured[]) => ({ label: 'req/s vs baseline', value: pairedRatio(subject, bare, (run) => run.result.rps) })
    return [
      row('instances', 'baseline', combine(bare)),
      row(`instances ${adapter}, one instance direct`, 'example', combine(direct), [vsBaseline(direct)]),
      // The server column shows how the proxy split the requests (all rounds, warm-ups included).
      row(`instances ${adapter}, 2 behind round-robin proxy`, `proxy + 2 examples (${counts.join('/')})`, combine(proxied), [
        vsBaseline(proxied),
        { label: 'vs one direct', value: pairedRatio(proxied, direct, (run) => run.result.rps) },
      ]),
    ]
  } finally {
    for (const server of started.reverse()) await server.stop()
    await database.drop()
  }
}
