/**
 * `npx tsx --conditions=source bench/profile-read.ts <strategy> <adapter> [seconds]`: one
 * example server under the read scenario's load (`GET /users/me`, 32 connections), with the
 * environment given (AUTH_CACHE=true to profile the cache), and its CPU time per request. With
 * BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" the server writes a profile to DIR;
 * `bench/profile-summary.ts DIR/*.cpuprofile` reads it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, type Adapter } from './databases.ts'
import { closedLoop } from './load.ts'
import { planCores } from './machine.ts'
import { registerAndLogin, startExample, type BenchContext } from './servers.ts'
import { strategyEnv, type StrategyName } from './strategies.ts'

const [strategy = 'jwt', adapter = 'sqlite', seconds = '5'] = process.argv.slice(2)
const tmpDir = mkdtempSync(join(tmpdir(), 'fastify-users-profile-'))
const context: BenchContext = {
  plan: planCores(),
  tmpDir,
  seconds: Number(seconds),
  warmupSeconds: 1,
  rounds: 1,
  logLevel: process.env['LOG_LEVEL'] ?? 'info',
  exampleEnv: { RATE_LIMIT: process.env['RATE_LIMIT'] ?? '1000000' },
}
const setup = await strategyEnv(strategy as StrategyName)
if ('reason' in setup) throw new Error(setup.reason)
const database = await createDatabase(adapter as Adapter, tmpDir)
if ('reason' in database) throw new Error(database.reason)
const example = await startExample(context, database.url, { ...setup.env, ...database.env })
try {
  const { token } = await registerAndLogin(example.url, 'reader@example.com', setup.loginPath)
  const options = { path: '/users/me', headers: { authorization: `Bearer ${token}` }, connections: 32, seconds: context.seconds }
  await closedLoop(example.url, { ...options, seconds: context.warmupSeconds })
  const cpuBefore = example.cpuSeconds()
  const result = await closedLoop(example.url, options)
  const cpuMs = ((example.cpuSeconds() - cpuBefore) * 1000) / result.requests
  console.log(JSON.stringify({ strategy, adapter, rps: Math.round(result.rps), p50Ms: result.p50Ms, errors: result.errors, cpuMsPerRequest: Number(cpuMs.toFixed(4)) }))
} finally {
  await example.stop()
  await database.drop()
  rmSync(tmpDir, { recursive: true, force: true })
}
