/**
 * Load generation on loopback. Closed-loop load (a fixed number of connections, each sending its
 * next request when the last is answered) comes from autocannon's programmatic API; its own
 * latency histogram counts whole milliseconds and only 2xx answers, so every response time is
 * recorded here instead, in nanoseconds, from the client's `response` event.
 *
 * Open-loop load (`pacedRequests`: one request every 1/rate seconds whatever the server does)
 * measures latency the way a user sees it while something else loads the server: autocannon's
 * own rate limit sends each second's requests in one burst, which would measure the burst.
 */
import autocannon from 'autocannon'
import { Agent, request as httpRequest } from 'node:http'
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

export interface LoadResult {
  /** Answered requests per second (any status). */
  rps: number
  p50Ms: number
  p99Ms: number
  /** Answers other than 2xx, plus connection errors and timeouts. */
  errors: number
  requests: number
  /** Status codes other than 2xx, with their counts, for the report. */
  statuses: Record<string, number>
}

export interface RequestSpec {
  path: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Called for each request; returns its headers and body (unique emails, random users). */
  vary?: () => { headers?: Record<string, string>; body?: string }
}

export interface ClosedLoopOptions extends RequestSpec {
  connections: number
  seconds: number
  /** Seconds of unrecorded load first (JIT warm-up, connection pools). */
  warmupSeconds?: number
}

class Recorder {
  readonly histogram: RecordableHistogram = createHistogram()
  readonly statuses: Record<string, number> = {}
  count = 0
  errors = 0

  record(status: number, ms: number): void {
    this.count++
    this.histogram.record(Math.max(1, Math.round(ms * 1e6)))
    if (status < 200 || status > 299) {
      this.errors++
      this.statuses[status] = (this.statuses[status] ?? 0) + 1
    }
  }

  result(seconds: number, transportErrors: number): LoadResult {
    const empty = this.count === 0
    return {
      rps: this.count / seconds,
      p50Ms: empty ? Number.NaN : this.histogram.percentile(50) / 1e6,
      p99Ms: empty ? Number.NaN : this.histogram.percentile(99) / 1e6,
      errors: this.errors + transportErrors,
      requests: this.count,
      statuses: transportErrors > 0 ? { ...this.statuses, 'socket errors/timeouts': transportErrors } : this.statuses,
    }
  }
}

function autocannonRun(base: string, options: ClosedLoopOptions, seconds: number, recorder: Recorder | null) {
  const { vary } = options
  return autocannon({
    url: `${base}${options.path}`,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    body: options.body,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    requests: vary
      ? [{
          setupRequest: (request) => {
            const varied = vary()
            return { ...request, headers: { ...request.headers, ...varied.headers }, body: varied.body ?? request.body }
          },
        }]
      : undefined,
    setupClient: recorder
      ? (client) => client.on('response', (status: number, _bytes: number, ms: number) => recorder.record(status, ms))
      : undefined,
  })
}

/**
 * Closed-loop load for `seconds` after `warmupSeconds` of unrecorded load.
 *
 * @example
 * const result = await closedLoop('http://127.0.0.1:8100', { path: '/users/me', connections: 32, seconds: 5 })
 */
export async function closedLoop(base: string, options: ClosedLoopOptions): Promise<LoadResult> {
  if (options.warmupSeconds) await autocannonRun(base, options, options.warmupSeconds, null)
  const recorder = new Recorder()
  const started = performance.now()
  const summary = await autocannonRun(base, options, options.seconds, recorder)
  const elapsed = (performance.now() - started) / 1000
  return recorder.result(elapsed, summary.errors + summary.timeouts)
}

export interface PacedOptions extends Omit<RequestSpec, 'vary'> {
  ratePerSecond: number
  seconds: number
}

/**
 * Open-loop load: a request every 1/rate seconds on keep-alive connections, whatever the
 * server's pace; latency counts from the moment the request was due.
 *
 * @example
 * const reads = await pacedRequests('http://127.0.0.1:8100', { path: '/users/me', ratePerSecond: 500, seconds: 8 })
 */
export async function pacedRequests(base: string, options: PacedOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const recorder = new Recorder()
  const url = new URL(base)
  const intervalMs = 1000 / options.ratePerSecond
  const total = Math.round(options.ratePerSecond * options.seconds)
  let transportErrors = 0
  const inFlight: Array<Promise<void>> = []
  const started = performance.now()
  for (let i = 0; i < total; i++) {
    const due = started + i * intervalMs
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    inFlight.push(
      send(agent, url, options).then(
        (status) => recorder.record(status, performance.now() - due),
        () => void transportErrors++,
      ),
    )
  }
  await Promise.all(inFlight)
  agent.destroy()
  return recorder.result(options.seconds, transportErrors)
}

function send(agent: Agent, url: URL, spec: PacedOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { agent, host: url.hostname, port: url.port, path: spec.path, method: spec.method ?? 'GET', headers: spec.headers, timeout: 30_000 },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.end(spec.body)
  })
}
