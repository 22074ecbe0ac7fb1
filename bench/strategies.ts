/**
 * The authentication strategies the example can run with, and what it needs for each: the JWT
 * strategy always; the database and Redis strategies once their code and the example's
 * AUTH_STRATEGY setting exist (and, for Redis, a reachable server). A strategy that cannot run
 * here comes back with the reason, which the table prints.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createConnection } from 'node:net'

export type StrategyName = 'jwt' | 'database' | 'redis'

export interface StrategySetup {
  env: Record<string, string>
  loginPath: string
}

const REDIS_DEFAULT = 'redis://127.0.0.1:6379'

function exampleSupportsStrategies(): boolean {
  return existsSync('examples/full/config.ts') && readFileSync('examples/full/config.ts', 'utf8').includes('AUTH_STRATEGY')
}

/** Whether a TCP server listens at the URL's host and port. */
export function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || defaultPort), timeout: 2000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

/**
 * The example's environment for `strategy`, or why it cannot run.
 *
 * @example
 * const setup = await strategyEnv('redis')
 * if ('reason' in setup) console.log(`skipped: ${setup.reason}`)
 */
export async function strategyEnv(strategy: StrategyName): Promise<StrategySetup | { reason: string }> {
  if (strategy === 'jwt') return { env: {}, loginPath: '/auth/jwt/login' }
  const source = strategy === 'redis' ? 'src/redis/strategy.ts' : `src/authentication/strategies/${strategy}.ts`
  if (!existsSync(source)) return { reason: `${source} not found` }
  if (!exampleSupportsStrategies()) return { reason: 'examples/full has no AUTH_STRATEGY setting yet' }
  if (strategy === 'database') return { env: { AUTH_STRATEGY: 'database' }, loginPath: '/auth/jwt/login' }
  const redisUrl = process.env['REDIS_URL'] || REDIS_DEFAULT
  if (!(await reachable(redisUrl, 6379))) return { reason: `Redis unreachable at ${redisUrl}; set REDIS_URL` }
  return { env: { AUTH_STRATEGY: 'redis', REDIS_URL: redisUrl }, loginPath: '/auth/jwt/login' }
}
