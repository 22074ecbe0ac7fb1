/**
 * Two processes of the full example on one PostgreSQL database and one Redis behave as one
 * service, for each access-token strategy (AUTH_STRATEGY) with refresh tokens on: a token from
 * instance A works on B; a logout or a log out everywhere on one is refused by the other on
 * the very next request; a refresh token rotates on either, and its reuse on the other ends
 * the family.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requirePostgres, requireRedis, scratchPostgresSchema, type ScratchDatabase } from './support/services.ts'
import { openTestRedis, type TestRedis } from './support/redis.ts'
import { freePort } from './support/free-port.ts'

const TSX = new URL('../node_modules/.bin/tsx', import.meta.url).pathname
const SERVER = new URL('../examples/full/server.ts', import.meta.url).pathname

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

for (const strategy of ['jwt', 'database', 'redis'] as const) {
  describe(`two instances sharing PostgreSQL and Redis, AUTH_STRATEGY=${strategy}`, () => {
    let schema: ScratchDatabase | null = null
    let redis: TestRedis | null = null
    let a: Instance
    let b: Instance
    beforeAll(async () => {
      const [pgUrl, redisUrl] = [await requirePostgres(), await requireRedis()]
      if (pgUrl === null || redisUrl === null) return
      schema = await scratchPostgresSchema(pgUrl)
      redis = openTestRedis(redisUrl)
      const env = {
        DATABASE_URL: schema.url,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: redis.prefix,
        AUTH_STRATEGY: strategy,
        REFRESH_LIFETIME: String(30 * 86400),
        SECRET: randomBytes(32).toString('base64url'),
      }
      ;[a, b] = await Promise.all([startInstance(env), startInstance(env)])
    }, 120_000)
    afterAll(async () => {
      await Promise.all([stopInstance(a), stopInstance(b)])
      await redis?.close()
      await schema?.drop()
    })

    async function newUser(): Promise<{ email: string; password: string }> {
      const user = { email: `multi-${randomBytes(6).toString('hex')}@example.com`, password: `pw-${randomBytes(9).toString('base64url')}` }
      expect((await call(a, 'POST', '/auth/register', { json: user })).status).toBe(201)
      return user
    }
    async function login(instance: Instance, user: { email: string; password: string }) {
      const res = await call(instance, 'POST', '/auth/jwt/login', { form: { username: user.email, password: user.password } })
      expect(res.status).toBe(200)
      return res.body as { access_token: string; refresh_token: string }
    }
    const me = async (instance: Instance, token: string) => (await call(instance, 'GET', '/users/me', { token })).status

    it('accepts on B a token issued by A, and refuses on B what A logged out, at once', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const first = await login(a, user)
      const second = await login(a, user)
      expect(await me(b, first.access_token)).toBe(200)
      expect((await call(a, 'POST', '/auth/jwt/logout', { token: first.access_token })).status).toBe(204)
      expect(await me(b, first.access_token)).toBe(401)
      expect(await me(b, second.access_token)).toBe(200)
    })

    it('refuses on A every token after a log out everywhere on B', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const onA = await login(a, user)
      const onB = await login(b, user)
      expect((await call(b, 'POST', '/auth/jwt/logout-all', { token: onB.access_token })).status).toBe(204)
      expect(await me(a, onA.access_token)).toBe(401)
      expect(await me(a, onB.access_token)).toBe(401)
      expect((await call(a, 'POST', '/auth/jwt/refresh', { json: { refresh_token: onA.refresh_token } })).status).toBe(401)
      expect(await me(a, (await login(b, user)).access_token)).toBe(200)
    })

    it('rotates on B a refresh token A issued, repeats it on A with the same successor, and ends the session at a reuse', async (ctx) => {
      if (!schema) return ctx.skip()
      const user = await newUser()
      const issued = await login(a, user)
      const refresh = (instance: Instance, token: string) => call(instance, 'POST', '/auth/jwt/refresh', { json: { refresh_token: token } })
      const rotated = await refresh(b, issued.refresh_token)
      expect(rotated.status).toBe(200)
      expect(await me(a, rotated.body.access_token)).toBe(200)
      // A repeat within the grace period, on the other instance: the same successor.
      const repeated = await refresh(a, issued.refresh_token)
      expect(repeated.status).toBe(200)
      expect(repeated.body.refresh_token).toBe(rotated.body.refresh_token)
      const next = await refresh(b, rotated.body.refresh_token)
      expect(next.status).toBe(200)
      // The successor is used: the old token again is a reuse, and the session ends everywhere.
      expect((await refresh(a, issued.refresh_token)).status).toBe(401)
      for (const access of [issued.access_token, rotated.body.access_token, repeated.body.access_token, next.body.access_token]) {
        expect(await me(a, access)).toBe(401)
      }
      expect((await refresh(b, next.body.refresh_token)).status).toBe(401)
    })
  })
}
