/**
 * The two servers every scenario compares: the full example (examples/full/server.ts, configured
 * by environment as in production) and the bare baseline (bench/baseline-server.ts). Both get
 * the same logger level and the same environment otherwise, the libuv pool size included. The
 * `instances` scenario adds a round-robin proxy (bench/round-robin-proxy.ts).
 */
import { join } from 'node:path'
import { exampleSecurityHeaders } from '../examples/full/security-headers.ts'
import type { CorePlan } from './machine.ts'
import { ServerProcess } from './server-process.ts'

export const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
export const PASSWORD = 'Bench-passw0rd-Quokka-7319'

export interface BenchContext {
  plan: CorePlan
  tmpDir: string
  /** Measured seconds per run, and unrecorded warm-up seconds before it. */
  seconds: number
  warmupSeconds: number
  /** Alternations of baseline and example for the rows with a target. */
  rounds: number
  logLevel: string
  /** Extra environment for the example (strategy, rate limits…). */
  exampleEnv: Record<string, string>
}

// BENCH_PORT: the first port of this run's servers, so that two benches can run on one machine.
let port = Number(process.env['BENCH_PORT'] ?? 18_100)
let serial = 0

/**
 * Starts the full example on `databaseUrl`.
 *
 * @example
 * const server = await startExample(context, 'sqlite:///tmp/x.db')
 */
export function startExample(context: BenchContext, databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return ServerProcess.start({
    script: 'examples/full/server.ts',
    port: port++,
    plan: context.plan,
    logFile: join(context.tmpDir, `example-${++serial}.log`),
    env: { DATABASE_URL: databaseUrl, SECRET, LOG_LEVEL: context.logLevel, ...context.exampleEnv, ...env },
  })
}

/**
 * Starts the bare baseline, answering `/users/me` with `user` for the bearer `token`, and every
 * route with `headers`: by default the example application's security headers, which the
 * example sends on every answer, so that the ratio weighs the library and not the
 * application's choice of headers (`{}` for the bare route of the earlier rounds).
 *
 * @example
 * const baseline = await startBaseline(context, token, me)
 */
export function startBaseline(
  context: BenchContext,
  token: string,
  user: unknown,
  headers: Record<string, string> = exampleSecurityHeaders({ production: false }),
): Promise<ServerProcess> {
  return ServerProcess.start({
    script: 'bench/baseline-server.ts',
    port: port++,
    plan: context.plan,
    logFile: join(context.tmpDir, `baseline-${++serial}.log`),
    env: { BASELINE_TOKEN: token, BASELINE_USER: JSON.stringify(user), BASELINE_HEADERS: JSON.stringify(headers), LOG_LEVEL: context.logLevel },
  })
}

/**
 * Starts the round-robin proxy (bench/round-robin-proxy.ts) in front of `upstreams`.
 *
 * @example
 * const proxy = await startProxy(context, [first.url, second.url])
 */
export function startProxy(context: BenchContext, upstreams: string[]): Promise<ServerProcess> {
  return ServerProcess.start({
    script: 'bench/round-robin-proxy.ts',
    port: port++,
    plan: context.plan,
    logFile: join(context.tmpDir, `proxy-${++serial}.log`),
    env: { UPSTREAMS: upstreams.join(',') },
  })
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
export const JSON_BODY = { 'content-type': 'application/json' }

/** A login form body. */
export function loginForm(email: string, password: string): string {
  return new URLSearchParams({ username: email, password }).toString()
}

/**
 * Registers a user through the API, logs in, and returns the bearer token and what
 * `/users/me` answers with it (the JSON the baseline repeats).
 *
 * @example
 * const { token, me } = await registerAndLogin(server.url, 'reader@example.com')
 */
export async function registerAndLogin(base: string, email: string, loginPath = '/auth/jwt/login'): Promise<{ token: string; me: unknown }> {
  const registered = await fetch(`${base}/auth/register`, {
    method: 'POST',
    headers: JSON_BODY,
    body: JSON.stringify({ email, password: PASSWORD }),
  })
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`)
  const token = await login(base, email, loginPath)
  const me = await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${token}` } })
  if (me.status !== 200) throw new Error(`/users/me answered ${me.status}: ${await me.text()}`)
  return { token, me: await me.json() }
}

/** Logs in through the API; returns the bearer token. */
export async function login(base: string, email: string, loginPath = '/auth/jwt/login'): Promise<string> {
  const response = await fetch(`${base}${loginPath}`, { method: 'POST', headers: FORM, body: loginForm(email, PASSWORD) })
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { access_token: string }).access_token
}
