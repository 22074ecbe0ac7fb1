/**
 * The machine the bench runs on, and how it splits its cores: the load generator (this process)
 * gets one core, the server under test the others, so that neither steals the other's CPU
 * time. With one core, or without util-linux's `taskset`, nothing is pinned and the output
 * says so.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'

export interface CorePlan {
  /** `taskset -c` lists, or null when nothing is pinned. */
  server: string | null
  load: string | null
  /** Every CPU the bench may use (children inherit the load generator's pinning otherwise). */
  all: string | null
  serverCores: number
  /** Why pinning is off, when it is. */
  note: string
}

export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  kernel: string
}

/** The CPUs this process may run on (its affinity), as numbers. */
export function allowedCpus(): number[] {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m)?.[1]
  if (!line) return cpus().map((_, index) => index)
  return line.split(',').flatMap((range) => {
    const [from, to = from] = range.split('-').map(Number) as [number, number?]
    return Array.from({ length: to - from + 1 }, (_, offset) => from + offset)
  })
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Pins this process (every thread of it) to the load generator's core, and returns the plan
 * whose `server` list the server children are started with.
 *
 * @example
 * const plan = planCores()
 * console.log(plan.note)
 */
export function planCores(): CorePlan {
  const available = allowedCpus()
  if (available.length < 2) {
    return { server: null, load: null, all: null, serverCores: available.length, note: 'one core: server and load generator share it (not pinned)' }
  }
  if (!hasTaskset()) {
    return { server: null, load: null, all: null, serverCores: available.length, note: 'taskset not found (util-linux): nothing pinned' }
  }
  const load = String(available.at(-1))
  const server = available.slice(0, -1).join(',')
  execFileSync('taskset', ['-a', '-cp', load, String(process.pid)], { stdio: 'ignore' })
  return {
    server,
    load,
    all: available.join(','),
    serverCores: available.length - 1,
    note: `pinned with taskset: server on CPU ${server}, load generator on CPU ${load}`,
  }
}

/**
 * What BENCHMARKS.md records of the machine.
 *
 * @example
 * const { cpuModel, cores } = describeMachine()
 */
export function describeMachine(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  let kernel = ''
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()
  } catch {
    kernel = 'unknown'
  }
  return {
    cpuModel: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: allowedCpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel,
  }
}
