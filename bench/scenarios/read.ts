/**
 * `read`: `GET /users/me` with a bearer token, the request every protected route pays for, per
 * strategy and per adapter, against the bare route (a constant-time compare of a fixed token,
 * then the same JSON, with the example application's security headers). Each combination is
 * measured alternately with the baseline, so the ratio compares runs of the same moment; the
 * target (issue 7) is JWT on SQLite at 0.8 of the baseline's req/s, measured over `rounds`
 * alternations, the others over one. The target row is also compared with the bare route
 * without those headers (the baseline of the rounds before 2026-12-03 18:50 UTC), in the same
 * alternations.
 */
import { closedLoop } from '../load.ts'
import { alternate, combine, pairedRatio, row, type Row } from '../report.ts'
import { startBaseline, startExample, registerAndLogin, type BenchContext } from '../servers.ts'
import { createDatabase, type Adapter } from '../databases.ts'
import type { ServerProcess } from '../server-process.ts'
import { strategyEnv, type StrategyName } from '../strategies.ts'

const ADAPTERS: Adapter[] = ['sqlite', 'postgres', 'mariadb', 'mongodb']
const STRATEGIES: StrategyName[] = ['jwt', 'database', 'redis']
export const READ_CONNECTIONS = 32

export async function readScenario(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  let baseline: { server: ServerProcess; headerless: ServerProcess; token: string } | null = null
  try {
    for (const strategy of STRATEGIES) {
      const setup = await strategyEnv(strategy)
      if ('reason' in setup) {
        rows.push({ scenario: `read ${strategy}`, server: '—', note: `skipped: ${setup.reason}` })
        continue
      }
      for (const adapter of ADAPTERS) {
        const scenario = `read ${strategy}/${adapter}`
        const database = await createDatabase(adapter, context.tmpDir)
        if ('reason' in database) {
          rows.push({ scenario, server: '—', note: `skipped: ${database.reason}` })
          continue
        }
        const example = await startExample(context, database.url, { ...setup.env, ...database.env })
        try {
          const { token, me } = await registerAndLogin(example.url, 'reader@example.com', setup.loginPath)
          baseline ??= { server: await startBaseline(context, token, me), headerless: await startBaseline(context, token, me, {}), token }
          const tokens = new Map([[baseline.server, baseline.token], [baseline.headerless, baseline.token], [example, token]])
          const isTarget = strategy === 'jwt' && adapter === 'sqlite'
          const [bare, full, headerless] = await alternate(
            isTarget ? [baseline.server, example, baseline.headerless] : [baseline.server, example],
            (server) =>
              closedLoop(server.url, {
                path: '/users/me',
                headers: { authorization: `Bearer ${tokens.get(server)}` },
                connections: READ_CONNECTIONS,
                seconds: context.seconds,
                warmupSeconds: context.warmupSeconds,
              }),
            isTarget ? context.rounds : 1,
          )
          if (isTarget) rows.push(row('read', 'baseline', combine(bare!)))
          if (headerless !== undefined) rows.push(row('read', 'baseline without the security headers', combine(headerless)))
          const ratio = pairedRatio(full!, bare!, (run) => run.result.rps)
          rows.push(row(scenario, 'example', combine(full!), [{ label: 'req/s vs baseline', value: ratio, ...(isTarget ? { min: 0.8 } : {}) }]))
          if (headerless !== undefined) {
            const versusHeaderless = pairedRatio(full!, headerless, (run) => run.result.rps)
            rows.push({ scenario, server: 'example', note: `req/s vs the baseline without the security headers ${versusHeaderless.toFixed(2)}` })
          }
        } finally {
          await example.stop()
          await database.drop()
        }
      }
    }
  } finally {
    await baseline?.server.stop()
    await baseline?.headerless.stop()
  }
  return rows
}
