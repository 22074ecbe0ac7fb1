/**
 * `npm run bench [-- scenario…] [--seconds N] [--warmup N] [--rounds N] [--log-level L]`: starts the full
 * example and the bare baseline as child processes, drives both with autocannon on loopback,
 * and prints one table with the ratios of issue 7. Scenarios: read, login, register, hashing,
 * jwt, mixed, scale, list, instances (all by default). See BENCHMARKS.md for what each number means.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { describeMachine, planCores } from './machine.ts'
import { formatErrors, formatTable, type Row } from './report.ts'
import { authScenario } from './scenarios/auth.ts'
import { hashingScenario } from './scenarios/hashing.ts'
import { instancesScenario } from './scenarios/instances.ts'
import { jwtScenario } from './scenarios/jwt.ts'
import { listScenario } from './scenarios/list.ts'
import { mixedScenario } from './scenarios/mixed.ts'
import { readScenario } from './scenarios/read.ts'
import { scaleScenario } from './scenarios/scale.ts'
import type { BenchContext } from './servers.ts'

const SCENARIOS = ['read', 'login', 'register', 'hashing', 'jwt', 'mixed', 'scale', 'list', 'instances'] as const
type Scenario = (typeof SCENARIOS)[number]

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    'log-level': { type: 'string', default: process.env['LOG_LEVEL'] ?? 'info' },
  },
})
const unknown = positionals.filter((name) => !(SCENARIOS as readonly string[]).includes(name))
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; choose among ${SCENARIOS.join(', ')}`)
  process.exit(2)
}
const selected = new Set<Scenario>(positionals.length > 0 ? (positionals as Scenario[]) : SCENARIOS)

const machine = describeMachine()
const plan = planCores()
const tmpDir = mkdtempSync(join(tmpdir(), 'fastify-users-bench-'))
const context: BenchContext = {
  plan,
  tmpDir,
  seconds: Number(values.seconds),
  warmupSeconds: Number(values.warmup),
  rounds: Math.max(1, Number(values.rounds)),
  logLevel: values['log-level'],
  // Per-address rate limits stay on (their cost counts) but high enough never to refuse the
  // bench's single client address; per-account login throttling is untouched.
  exampleEnv: { RATE_LIMIT: process.env['RATE_LIMIT'] ?? '1000000' },
}

console.log(`${machine.cpuModel}, ${machine.cores} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}`)
console.log(plan.note)
console.log(
  `UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '(unset)'}, log level ${context.logLevel}, ` +
    `example RATE_LIMIT=${context.exampleEnv['RATE_LIMIT']}, ${context.warmupSeconds} s warm-up + ${context.seconds} s per run, ${context.rounds} rounds for targets; scenarios: ${[...selected].join(', ')}`,
)

const rows: Row[] = []
const step = async (name: string, run: () => Promise<Row[]>) => {
  const started = performance.now()
  process.stdout.write(`running ${name}…`)
  try {
    rows.push(...(await run()))
  } catch (error) {
    rows.push({ scenario: name, server: '—', note: `failed: ${(error as Error).message.split('\n')[0]}` })
    console.error(`\n${name} failed:`, error)
  }
  console.log(` ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

try {
  if (selected.has('hashing')) await step('hashing', () => hashingScenario(context))
  if (selected.has('jwt')) await step('jwt', () => jwtScenario(context))
  if (selected.has('read')) await step('read', () => readScenario(context))
  const auth = (['login', 'register'] as const).filter((name) => selected.has(name))
  if (auth.length > 0) await step(auth.join(' + '), () => authScenario(context, auth))
  if (selected.has('mixed')) await step('mixed', () => mixedScenario(context))
  if (selected.has('scale')) await step('scale', () => scaleScenario(context))
  if (selected.has('list')) await step('list', () => listScenario(context))
  if (selected.has('instances')) await step('instances', () => instancesScenario(context))
} finally {
  rmSync(tmpDir, { recursive: true, force: true })
}

console.log()
console.log(formatTable(rows))
const errors = formatErrors(rows)
if (errors.length > 0) console.log(`\nnon-2xx answers and socket errors:\n${errors.join('\n')}`)
