/**
 * Readiness: whether each store the service needs answers now. Each probe is one cheap round
 * trip (`store.ping()`, `redis.ping()`), all run at once, each given `timeoutMs`; a probe that
 * fails or is late marks its store `unavailable`. The report names the stores and nothing else:
 * it is meant for a load balancer, so no driver message, host or port goes into it.
 */

/** One store's round trip; it resolves when the store answered. */
export type HealthProbe = () => PromiseLike<unknown>

export interface HealthReport {
  /** Every store answered in time. */
  ok: boolean
  checks: Record<string, 'ok' | 'unavailable'>
}

export interface HealthCheckOptions {
  /** Milliseconds each probe may take (default 1000). */
  timeoutMs?: number
  /** Called with each failed probe's error, for the server log. */
  onError?: (name: string, error: unknown) => void
}

/**
 * Runs the probes and reports which stores answered within the timeout.
 *
 * @example
 * ```ts
 * app.get('/health/ready', async (_request, reply) => {
 *   const report = await checkHealth({ database: () => store.ping(), redis: () => redis.ping() })
 *   return reply.code(report.ok ? 200 : 503).send(report)
 * })
 * ```
 */
export async function checkHealth(probes: Record<string, HealthProbe>, options: HealthCheckOptions = {}): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 1000
  const names = Object.keys(probes)
  const results = await Promise.all(names.map((name) => probe(name, probes[name]!, timeoutMs, options.onError)))
  const checks: Record<string, 'ok' | 'unavailable'> = {}
  for (let i = 0; i < names.length; i++) checks[names[i]!] = results[i]! ? 'ok' : 'unavailable'
  return { ok: results.every(Boolean), checks }
}

async function probe(name: string, run: HealthProbe, timeoutMs: number, onError: HealthCheckOptions['onError']): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([Promise.resolve().then(run), late])
    return true
  } catch (error) {
    onError?.(name, error)
    return false
  } finally {
    clearTimeout(timer)
  }
}
