/**
 * `jwt`: what one token check costs, the library's synchronous verifier against jose with a
 * pre-imported key, idle and with a login storm's hashes filling the libuv pool (the trap of
 * issue 7). Runs bench/jwt-verify.ts pinned to the server's cores, as a server would be.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Row } from '../report.ts'
import type { BenchContext } from '../servers.ts'

const run = promisify(execFile)

interface Timing {
  name: string
  when: string
  opsPerSecond: number
  p50Ms: number
  p99Ms: number
}

export async function jwtScenario(context: BenchContext): Promise<Row[]> {
  const node = [process.execPath, '--conditions=source', '--import', 'tsx', 'bench/jwt-verify.ts']
  const command = context.plan.server === null ? node : ['taskset', '-c', context.plan.server, ...node]
  const { stdout } = await run(command[0]!, command.slice(1), { maxBuffer: 1 << 20 })
  const timings = stdout.trim().split('\n').map((line) => JSON.parse(line) as Timing)
  return timings.map((timing) => ({
    scenario: `jwt verify, ${timing.when}`,
    server: timing.name,
    result: { rps: timing.opsPerSecond, p50Ms: timing.p50Ms, p99Ms: timing.p99Ms, errors: 0, requests: 0, statuses: {} },
    note: 'req/s column: verifications/s, one at a time',
  }))
}
