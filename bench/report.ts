/**
 * The bench's table: one row per server and scenario, and for each scenario row its ratio to
 * the baseline with the issue's target. Besides requests/s and latency, each row shows the
 * server's CPU time per request (all its threads, from /proc), which the load of other
 * processes on the machine disturbs far less than requests/s.
 */
import type { LoadResult } from './load.ts'
import type { ServerProcess } from './server-process.ts'

export interface Target {
  /** What the ratio compares, e.g. "req/s vs baseline". */
  label: string
  value: number
  /** The issue's bound: at least (`min`) or at most (`max`). */
  min?: number
  max?: number
}

export interface Row {
  scenario: string
  server: string
  result?: LoadResult
  rssMiB?: number
  cpuMsPerRequest?: number
  targets?: Target[]
  note?: string
}

export interface Measured {
  result: LoadResult
  rssMiB: number
  cpuMsPerRequest: number
}

/**
 * Runs `load` against `server` and adds the server's figures: peak RSS so far and CPU time per
 * answered request.
 *
 * @example
 * const measured = await measure(server, () => closedLoop(server.url, { path: '/users/me', connections: 32, seconds: 5 }))
 */
export async function measure(server: ServerProcess, load: () => Promise<LoadResult>): Promise<Measured> {
  const cpuBefore = server.cpuSeconds()
  const result = await load()
  const cpu = server.cpuSeconds() - cpuBefore
  return { result, rssMiB: server.peakRssMiB(), cpuMsPerRequest: result.requests > 0 ? (cpu * 1000) / result.requests : Number.NaN }
}

/**
 * Measures the servers in turn, `rounds` times (A B A B …), so that a change in the machine's
 * other load hits both alike; returns each server's runs in order.
 *
 * @example
 * const [bare, full] = await alternate([baseline, example], (server) => closedLoop(server.url, spec), 3)
 */
export async function alternate(servers: ServerProcess[], load: (server: ServerProcess) => Promise<LoadResult>, rounds: number): Promise<Measured[][]> {
  const runs: Measured[][] = servers.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (const [index, server] of servers.entries()) runs[index]!.push(await measure(server, () => load(server)))
  }
  return runs
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Several runs of one server as one: medians of the rates and percentiles, errors added up. */
export function combine(runs: Measured[]): Measured {
  const requests = runs.reduce((sum, run) => sum + run.result.requests, 0)
  const cpuMs = runs.reduce((sum, run) => sum + run.cpuMsPerRequest * run.result.requests, 0)
  const statuses: Record<string, number> = {}
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.result.statuses)) statuses[status] = (statuses[status] ?? 0) + count
  }
  return {
    result: {
      rps: median(runs.map((run) => run.result.rps)),
      p50Ms: median(runs.map((run) => run.result.p50Ms)),
      p99Ms: median(runs.map((run) => run.result.p99Ms)),
      errors: runs.reduce((sum, run) => sum + run.result.errors, 0),
      requests,
      statuses,
    },
    rssMiB: Math.max(...runs.map((run) => run.rssMiB)),
    cpuMsPerRequest: requests > 0 ? cpuMs / requests : Number.NaN,
  }
}

/** The median over rounds of `pick(subject) / pick(baseline)`, each round's pair taken together. */
export function pairedRatio(subject: Measured[], baseline: Measured[], pick: (run: Measured) => number): number {
  return median(subject.map((run, round) => pick(run) / pick(baseline[round]!)))
}

/** A row of measured figures. */
export function row(scenario: string, server: string, measured: Measured, targets?: Target[]): Row {
  return { scenario, server, ...measured, targets }
}

export function met(target: Target): boolean | null {
  if (target.min !== undefined) return target.value >= target.min
  if (target.max !== undefined) return target.value <= target.max
  return null
}

function formatTarget(target: Target): string {
  const bound = target.min !== undefined ? ` (≥ ${target.min})` : target.max !== undefined ? ` (≤ ${target.max})` : ''
  const verdict = met(target)
  const mark = verdict === null ? '' : verdict ? ' ✓' : ' ✗'
  return `${target.label} ${target.value.toFixed(2)}${bound}${mark}`
}

const number = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits)

/**
 * The table as Markdown, which reads well in a terminal and pastes into BENCHMARKS.md as is.
 *
 * @example
 * console.log(formatTable(rows))
 */
export function formatTable(rows: Row[]): string {
  const header = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MiB', 'CPU ms/req', 'ratio (target)']
  const lines = rows.map((r) => [
    r.scenario,
    r.server,
    number(r.result?.rps, 0),
    number(r.result?.p50Ms, 2),
    number(r.result?.p99Ms, 2),
    r.result ? String(r.result.errors) : '—',
    number(r.rssMiB, 0),
    number(r.cpuMsPerRequest, 3),
    r.note ?? (r.targets ?? []).map(formatTarget).join('; '),
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)))
  const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n')
}

/** Error statuses of the rows that had any, one line each. */
export function formatErrors(rows: Row[]): string[] {
  return rows
    .filter((r) => r.result && r.result.errors > 0)
    .map((r) => `${r.scenario} / ${r.server}: ${Object.entries(r.result!.statuses).map(([status, count]) => `${status}×${count}`).join(', ')}`)
}
