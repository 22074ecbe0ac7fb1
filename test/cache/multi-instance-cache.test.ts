/**
 * Two processes of the full example with the auth cache on (AUTH_CACHE=true), on one
 * PostgreSQL database: with LISTEN/NOTIFY as the invalidation channel or with Redis pub/sub (a
 * private redis-server, which the test may cut), for the JWT strategy (its revocation state
 * cached), the database strategy (its token rows cached) and the Redis strategy (its keys
 * cached). For each kind of write that can
 * change an authentication decision, A performs it after B has cached the state it changes,
 * and B refuses (or reflects) it within the bound; with B's channel cut, B still never accepts
 * a token revoked after the cut. The delays measured go to the console for BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requirePostgres, scratchPostgresSchema, type ScratchDatabase } from '../support/services.ts'
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts'
import { freePort } from '../support/free-port.ts'

const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
const SERVER = new URL('../../examples/full/server.ts', import.meta.url).pathname
/** How long B may take to learn of a write: far above the channel's delay, for a loaded machine. */
const BOUND_MS = 3000

interface Instance {
  url: string
  process: ChildProcess
  output: string[]
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort()
  const child = spawn(TSX, ['--conditions=source', SERVER], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout!.on('data', (chunk) => output.push(String(chunk)))
  child.stderr!.on('data', (chunk) => output.push(String(chunk)))
  const instance = { url: `http://127.0.0.1:${port}`, process: child, output }
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${output.join('')}`)
    try {
      await fetch(`${instance.url}/users/me`)
      return instance
    } catch {
      if (Date.now() > deadline) throw new Error(`instance did not start:\n${output.join('')}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.process.exitCode !== null) return
  const exited = new Promise((resolve) => instance.process.once('exit', resolve))
  instance.process.kill('SIGTERM')
  await exited
}

interface Reply {
  status: number
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(instance: Instance, method: string, path: string, options: { token?: string; json?: unknown; form?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = {}
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(options.form).toString()
  }
  const res = await fetch(instance.url + path, { method, headers, body })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

const SUPERUSER = { email: 'root@example.com', password: `pw-${randomBytes(9).toString('base64url')}` }

const CASES = [
  { channel: 'postgres', strategy: 'jwt' },
  { channel: 'redis', strategy: 'jwt' },
  { channel: 'postgres', strategy: 'database' },
  { channel: 'redis', strategy: 'redis' },
] as const

for (const { channel, strategy } of CASES) {
  describe(`two instances with the auth cache, ${strategy} strategy, invalidated by ${channel}`, () => {
    let schema: ScratchDatabase | null = null
    let redis: PrivateRedis | null = null
    let adminUrl = ''
    let a: Instance
    let b: Instance
    const delays: number[] = []
    beforeAll(async () => {
      const pgUrl = await requirePostgres()
      if (pgUrl === null) return
      if (channel === 'redis') {
        redis = await startPrivateRedis()
        if (redis === null) return
      }
      adminUrl = pgUrl
      schema = await scratchPostgresSchema(pgUrl)
      const env: Record<string, string> = {
        DATABASE_URL: schema.url,
        AUTH_STRATEGY: strategy,
        AUTH_CACHE: 'true',
        REFRESH_LIFETIME: String(30 * 86400),
        SECRET: randomBytes(32).toString('base64url'),
        SUPERUSER_EMAIL: SUPERUSER.email,
        SUPERUSER_PASSWORD: SUPERUSER.password,
        RATE_LIMIT: 'off',
      }
      if (redis !== null) env.REDIS_URL = redis.url
      a = await startInstance(env)
      b = await startInstance(env)
    }, 120_000)
    afterAll(async () => {
      await Promise.all([stopInstance(a), stopInstance(b)])
      await redis?.stop()
      await schema?.drop()
      if (delays.length > 0) {
        const sorted = [...delays].sort((x, y) => x - y)
        const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1)
        console.log(`invalidation delay over ${channel}, ${strategy} strategy (write answered on A → B reflects it), ${sorted.length} writes: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`)
      }
    })

    async function newUser(): Promise<{ id: string; email: string; password: string }> {
      const user = { email: `cache-${randomBytes(6).toString('hex')}@example.com`, password: `pw-${randomBytes(9).toString('base64url')}` }
      const res = await call(a, 'POST', '/auth/register', { json: user })
      expect(res.status).toBe(201)
      return { ...user, id: res.body.id }
    }
    async function login(instance: Instance, user: { email: string; password: string }) {
      const res = await call(instance, 'POST', '/auth/jwt/login', { form: { username: user.email, password: user.password } })
      expect(res.status).toBe(200)
      return res.body as { access_token: string; refresh_token: string }
    }
    const me = (instance: Instance, token: string) => call(instance, 'GET', '/users/me', { token })
    /** Caches on B what `token` reads: the user and the token (its row, key or revocation state). */
    async function warm(token: string, expected = 200) {
      for (let i = 0; i < 3; i++) expect((await me(b, token)).status).toBe(expected)
    }
    /** Waits, `BOUND_MS` at most, until B's answer to `token` satisfies `done`; records the delay. */
    async function untilB(token: string, done: (reply: Reply) => boolean, since: number): Promise<Reply> {
      for (;;) {
        const reply = await me(b, token)
        if (done(reply)) {
          delays.push(performance.now() - since)
          return reply
        }
        if (performance.now() - since > BOUND_MS) return reply
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    async function superuserToken() {
      return (await login(a, SUPERUSER)).access_token
    }

    it('logout on A: B refuses the token, keeps the other', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const [first, second] = [await login(a, user), await login(a, user)]
      await warm(first.access_token)
      await warm(second.access_token)
      expect((await call(a, 'POST', '/auth/jwt/logout', { token: first.access_token })).status).toBe(204)
      expect((await untilB(first.access_token, (r) => r.status === 401, performance.now())).status).toBe(401)
      expect((await me(b, second.access_token)).status).toBe(200)
    })

    it('log out everywhere on A: B refuses every token', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const [onA, onB] = [await login(a, user), await login(b, user)]
      await warm(onB.access_token)
      expect((await call(a, 'POST', '/auth/jwt/logout-all', { token: onA.access_token })).status).toBe(204)
      const since = performance.now()
      expect((await untilB(onB.access_token, (r) => r.status === 401, since)).status).toBe(401)
      expect((await me(b, onA.access_token)).status).toBe(401)
    })

    it('password change on A: B refuses the other sessions', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const [changer, other] = [await login(a, user), await login(a, user)]
      await warm(other.access_token)
      const changed = await call(a, 'PATCH', '/users/me', { token: changer.access_token, json: { password: `new-${user.password}` } })
      expect(changed.status).toBe(200)
      expect((await untilB(other.access_token, (r) => r.status === 401, performance.now())).status).toBe(401)
      expect((await me(b, changer.access_token)).status).toBe(200)
    })

    it('refresh reuse on A: B refuses the access tokens of the family', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const issued = await login(a, user)
      const refresh = (token: string) => call(a, 'POST', '/auth/jwt/refresh', { json: { refresh_token: token } })
      const rotated = await refresh(issued.refresh_token)
      expect(rotated.status).toBe(200)
      expect((await refresh(rotated.body.refresh_token)).status).toBe(200)
      await warm(rotated.body.access_token)
      expect((await refresh(issued.refresh_token)).status).toBe(401)
      expect((await untilB(rotated.body.access_token, (r) => r.status === 401, performance.now())).status).toBe(401)
    })

    it('deactivation, verification, superuser change and deletion by a superuser on A: B reflects each', async (ctx) => {
      if (!schema) return ctx.skip()
      const root = await superuserToken()
      const patch = (id: string, json: unknown) => call(a, 'PATCH', `/users/${id}`, { token: root, json })

      const verified = await newUser()
      const verifiedToken = (await login(b, verified)).access_token
      await warm(verifiedToken)
      expect((await patch(verified.id, { is_verified: true })).status).toBe(200)
      expect((await untilB(verifiedToken, (r) => r.body?.is_verified === true, performance.now())).body.is_verified).toBe(true)

      const promoted = await newUser()
      const promotedToken = (await login(b, promoted)).access_token
      await warm(promotedToken)
      expect((await patch(promoted.id, { is_superuser: true })).status).toBe(200)
      expect((await untilB(promotedToken, (r) => r.body?.is_superuser === true, performance.now())).body.is_superuser).toBe(true)

      const deactivated = await newUser()
      const deactivatedToken = (await login(b, deactivated)).access_token
      await warm(deactivatedToken)
      expect((await patch(deactivated.id, { is_active: false })).status).toBe(200)
      expect((await untilB(deactivatedToken, (r) => r.status === 401, performance.now())).status).toBe(401)

      const deleted = await newUser()
      const deletedToken = (await login(b, deleted)).access_token
      await warm(deletedToken)
      expect((await call(a, 'DELETE', `/users/${deleted.id}`, { token: root })).status).toBe(204)
      expect((await untilB(deletedToken, (r) => r.status === 401, performance.now())).status).toBe(401)
    })

    it('role change by a superuser on A: B answers the new roles', async (ctx) => {
      if (!schema) return ctx.skip()
      const root = await superuserToken()
      const user = await newUser()
      const rolesOnB = async () => (await call(b, 'GET', `/users/${user.id}/roles`, { token: root })).body.roles as string[]
      for (let i = 0; i < 3; i++) expect(await rolesOnB()).toEqual([])
      expect((await call(a, 'PUT', `/users/${user.id}/roles`, { token: root, json: { roles: ['editor'] } })).status).toBe(200)
      const since = performance.now()
      let seen = await rolesOnB()
      while (seen.length === 0 && performance.now() - since < BOUND_MS) seen = await rolesOnB()
      delays.push(performance.now() - since)
      expect(seen).toEqual(['editor'])
    })

    it('with the channel cut, B never accepts a token revoked after the cut', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const tokens = [await login(a, user), await login(a, user), await login(a, user)]
      for (const token of tokens) await warm(token.access_token)
      const restore = await cutChannel()
      try {
        // Each logout happens while B cannot hear of it: the next request on B must refuse it.
        for (const token of tokens) {
          expect((await call(a, 'POST', '/auth/jwt/logout', { token: token.access_token })).status).toBe(204)
          expect((await me(b, token.access_token)).status).toBe(401)
        }
      } finally {
        await restore()
      }
      // The channel back, B caches again and still refuses them.
      for (const token of tokens) expect((await me(b, token.access_token)).status).toBe(401)
    })

    /** Cuts every listener of the channel; Redis's stay cut until the returned function runs. */
    async function cutChannel(): Promise<() => Promise<void>> {
      if (channel === 'redis') {
        // Subscribing refused, then every subscriber disconnected: they cannot come back.
        await redis!.admin.call('ACL', 'SETUSER', 'default', '-subscribe')
        await redis!.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
        return async () => void (await redis!.admin.call('ACL', 'SETUSER', 'default', '+subscribe'))
      }
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      // Every listening connection ended (they reconnect on their own, and start empty).
      const killed = await client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'fastify-users cache' AND datname = current_database()",
      )
      expect(killed.rows.length).toBeGreaterThanOrEqual(2)
      await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [killed.rows.map((row) => row.pid)])
      // Terminated on the server side before the test goes on: B's socket has its end.
      for (;;) {
        const left = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [killed.rows.map((row) => row.pid)])
        if (left.rowCount === 0) break
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return async () => void (await client.end())
    }
  })
}
