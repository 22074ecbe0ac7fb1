/**
 * `hashing`: the binding's own limit, argon2id hashes per second with nothing else around it,
 * through PasswordHelper, on every core (pool size = cores) and on the server's cores with the
 * pool the servers get (PasswordHelper then hashes min(CPUs, pool) at a time).
 * Login and register can only approach the second figure: each needs one hash.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { LoadResult } from '../load.ts'
import type { Row } from '../report.ts'
import type { BenchContext } from '../servers.ts'

const run = promisify(execFile)

interface HashRate {
  hashesPerSecond: number
  p50Ms: number
  p99Ms: number
}

async function hashRate(cpus: string | null, poolSize: string | undefined, concurrency: number, seconds: number): Promise<HashRate> {
  const node = [process.execPath, '--conditions=source', '--import', 'tsx', 'bench/hash-rate.ts']
  const command = cpus === null ? node : ['taskset', '-c', cpus, ...node]
  const env: NodeJS.ProcessEnv = { ...process.env, HASH_CONCURRENCY: String(concurrency), HASH_SECONDS: String(seconds) }
  if (poolSize === undefined) delete env['UV_THREADPOOL_SIZE']
  else env['UV_THREADPOOL_SIZE'] = poolSize
  const { stdout } = await run(command[0]!, command.slice(1), { env })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as HashRate
}

const asResult = (rate: HashRate): LoadResult => ({
  rps: rate.hashesPerSecond,
  p50Ms: rate.p50Ms,
  p99Ms: rate.p99Ms,
  errors: 0,
  requests: 0,
  statuses: {},
})

export async function hashingScenario(context: BenchContext): Promise<Row[]> {
  const cores = context.plan.all === null ? null : context.plan.all.split(',').length
  const allCores = cores ?? context.plan.serverCores
  const all = await hashRate(context.plan.all, String(allCores), allCores * 2, context.seconds)
  const server = await hashRate(context.plan.server, process.env['UV_THREADPOOL_SIZE'], 16, context.seconds)
  return [
    { scenario: `hashing, binding alone, ${allCores} cores`, server: 'hashes/s', result: asResult(all), note: `pool = ${allCores} threads, ${allCores * 2} asked at once` },
    {
      scenario: `hashing, binding alone, server's ${context.plan.serverCores} core(s)`,
      server: 'hashes/s',
      result: asResult(server),
      note: `16 asked at once; PasswordHelper runs min(CPUs, pool ${process.env['UV_THREADPOOL_SIZE'] ?? '4'}) of them`,
    },
  ]
}
