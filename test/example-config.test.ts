/**
 * The full example: its configuration from the environment, and the app it builds (superuser,
 * outbox, and a log that never shows a token in production). The log test starts the real
 * server in a child process, since the example's logger writes to the process's stdout.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../examples/full/app.ts'
import { ConfigError, readConfig, type Config } from '../examples/full/config.ts'
import { bearerAuth, form } from './support/app.ts'
import { freePort } from './support/free-port.ts'

const LONG_SECRET = 'a-production-secret-of-at-least-32-characters'

function read(env: Record<string, string>): { config: Config; warnings: string[] } {
  const warnings: string[] = []
  return { config: readConfig(env, (message) => warnings.push(message)), warnings }
}

const configError = (env: Record<string, string>) => () => readConfig(env, () => {})

describe('readConfig', () => {
  it('has development defaults, with a random secret and a warning', () => {
    const { config, warnings } = read({})
    // Settings of the example's other features (OIDC, strategies, refresh) have their own tests.
    expect(config).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite://./users.db',
      secret: expect.any(String),
      jwtLifetime: 3600,
      cookieSecure: true,
      outboxFile: null,
      superuser: null,
      production: false,
    })
    expect(config.secret.length).toBeGreaterThanOrEqual(32)
    expect(read({}).config.secret).not.toBe(config.secret)
    expect(warnings).toEqual([expect.stringMatching(/SECRET is not set/)])
  })

  it('warns about a short secret in development and uses it', () => {
    const { config, warnings } = read({ SECRET: 'short' })
    expect(config.secret).toBe('short')
    expect(warnings).toEqual([expect.stringMatching(/shorter than 32/)])
  })

  it('refuses to start in production without a long secret', () => {
    const refused: Array<Record<string, string>> = [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', SECRET: 'x'.repeat(31) }]
    for (const env of refused) {
      expect(configError(env)).toThrow(ConfigError)
      expect(configError(env)).toThrow(/SECRET must be set to at least 32 characters when NODE_ENV=production/)
    }
    const { config, warnings } = read({ NODE_ENV: 'production', SECRET: LONG_SECRET })
    expect(config).toMatchObject({ secret: LONG_SECRET, production: true })
    expect(warnings).toEqual([])
  })

  it('reads the other settings', () => {
    const env = { SECRET: LONG_SECRET, PORT: '9000', HOST: '0.0.0.0', DATABASE_URL: 'sqlite:///tmp/x.db', JWT_LIFETIME: '60', COOKIE_SECURE: 'false', OUTBOX_FILE: '/tmp/outbox' }
    expect(read(env).config).toMatchObject({ port: 9000, host: '0.0.0.0', databaseUrl: 'sqlite:///tmp/x.db', jwtLifetime: 60, cookieSecure: false, outboxFile: '/tmp/outbox' })
  })

  it('reads DATABASE_READ_URL beside a PostgreSQL or MariaDB DATABASE_URL only', () => {
    expect(read({ SECRET: LONG_SECRET }).config.databaseReadUrl).toBeNull()
    const replicated = { SECRET: LONG_SECRET, DATABASE_URL: 'postgres://app@primary/users', DATABASE_READ_URL: 'postgres://app@replica/users' }
    expect(read(replicated).config).toMatchObject({ databaseUrl: 'postgres://app@primary/users', databaseReadUrl: 'postgres://app@replica/users' })
    const mariadb = { SECRET: LONG_SECRET, DATABASE_URL: 'mariadb://app@primary/users', DATABASE_READ_URL: 'mariadb://app@replica/users' }
    expect(read(mariadb).config.databaseReadUrl).toBe('mariadb://app@replica/users')
    for (const primary of ['sqlite:///tmp/x.db', 'mongodb://127.0.0.1/users']) {
      expect(configError({ DATABASE_URL: primary, DATABASE_READ_URL: 'postgres://app@replica/users' })).toThrow(
        'DATABASE_READ_URL needs a PostgreSQL or MySQL/MariaDB DATABASE_URL',
      )
    }
  })

  it('parses COOKIE_SECURE as a boolean word', () => {
    for (const value of ['true', 'TRUE', '1', 'yes', 'on']) expect(read({ SECRET: LONG_SECRET, COOKIE_SECURE: value }).config.cookieSecure).toBe(true)
    for (const value of ['false', 'False', '0', 'no', 'off']) expect(read({ SECRET: LONG_SECRET, COOKIE_SECURE: value }).config.cookieSecure).toBe(false)
    expect(configError({ COOKIE_SECURE: 'maybe' })).toThrow('COOKIE_SECURE must be true or false, not "maybe"')
  })

  it('takes one Redis: a URL, cluster nodes, or sentinels with a master name', () => {
    expect(read({ SECRET: LONG_SECRET, REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000' }).config).toMatchObject({ redisUrl: null, redisClusterNodes: ['10.0.0.1:7000', '10.0.0.2:7000'], redisSentinel: null })
    expect(read({ SECRET: LONG_SECRET, REDIS_SENTINELS: 'a:26379,b:26379', REDIS_SENTINEL_NAME: 'users' }).config.redisSentinel).toEqual({ sentinels: ['a:26379', 'b:26379'], name: 'users' })
    expect(read({ SECRET: LONG_SECRET, AUTH_STRATEGY: 'redis', REDIS_CLUSTER_NODES: 'a:7000' }).config.authStrategy).toBe('redis')
    expect(configError({ REDIS_URL: 'redis://a', REDIS_CLUSTER_NODES: 'b:7000' })).toThrow('REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS are alternatives')
    expect(configError({ REDIS_SENTINELS: 'a:26379' })).toThrow('REDIS_SENTINELS and REDIS_SENTINEL_NAME go together')
    expect(configError({ REDIS_KEY_PREFIX: 'app{1}:' })).toThrow('REDIS_KEY_PREFIX cannot contain')
  })

  it('reads USERNAMES: off by default, on or required', () => {
    expect(read({ SECRET: LONG_SECRET }).config.usernames).toBe('off')
    for (const value of ['on', 'optional', 'TRUE']) expect(read({ SECRET: LONG_SECRET, USERNAMES: value }).config.usernames).toBe('optional')
    expect(read({ SECRET: LONG_SECRET, USERNAMES: 'required' }).config.usernames).toBe('required')
    expect(read({ SECRET: LONG_SECRET, USERNAMES: 'off' }).config.usernames).toBe('off')
    expect(configError({ USERNAMES: 'maybe' })).toThrow('USERNAMES must be on, off or required, not "maybe"')
  })

  it('reads TWO_FACTOR_KEY (off unless set, 32 characters or more) and EMAIL_CHANGE (off by default)', () => {
    expect(read({ SECRET: LONG_SECRET }).config.twoFactor).toBeNull()
    expect(read({ SECRET: LONG_SECRET, TWO_FACTOR_KEY: LONG_SECRET }).config.twoFactor).toEqual({ encryptionKey: LONG_SECRET })
    expect(configError({ TWO_FACTOR_KEY: 'short' })).toThrow('TWO_FACTOR_KEY must be at least 32 characters')
    expect(read({ SECRET: LONG_SECRET }).config.emailChange).toBe(false)
    expect(read({ SECRET: LONG_SECRET, EMAIL_CHANGE: 'on' }).config.emailChange).toBe(true)
    expect(configError({ EMAIL_CHANGE: 'maybe' })).toThrow('EMAIL_CHANGE must be true or false, not "maybe"')
  })

  it('reads API_KEYS: off by default, on as a boolean word', () => {
    expect(read({ SECRET: LONG_SECRET }).config.apiKeys).toBe(false)
    for (const value of ['on', 'true', '1']) expect(read({ SECRET: LONG_SECRET, API_KEYS: value }).config.apiKeys).toBe(true)
    expect(read({ SECRET: LONG_SECRET, API_KEYS: 'off' }).config.apiKeys).toBe(false)
    expect(configError({ API_KEYS: 'sometimes' })).toThrow('API_KEYS must be true or false, not "sometimes"')
  })

  it('refuses a PORT or JWT_LIFETIME that is not a positive whole number', () => {
    for (const name of ['PORT', 'JWT_LIFETIME']) {
      for (const value of ['abc', '0', '-5', '1.5', '1e400']) {
        expect(configError({ [name]: value })).toThrow(`${name} must be a positive whole number, not "${value}"`)
      }
    }
  })

  it('takes SUPERUSER_EMAIL and SUPERUSER_PASSWORD together, with a valid address', () => {
    expect(configError({ SUPERUSER_EMAIL: 'admin@example.com' })).toThrow('SUPERUSER_EMAIL and SUPERUSER_PASSWORD go together')
    expect(configError({ SUPERUSER_PASSWORD: 'adminpassword1' })).toThrow('SUPERUSER_EMAIL and SUPERUSER_PASSWORD go together')
    expect(configError({ SUPERUSER_EMAIL: 'not-an-email', SUPERUSER_PASSWORD: 'p' })).toThrow('SUPERUSER_EMAIL is not a valid address: "not-an-email"')
    const { config } = read({ SECRET: LONG_SECRET, SUPERUSER_EMAIL: 'Admin@Example.COM', SUPERUSER_PASSWORD: 'adminpassword1' })
    expect(config.superuser).toEqual({ email: 'Admin@example.com', password: 'adminpassword1' })
  })
})

describe('buildApp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-users-example-'))
  const outbox = join(dir, 'outbox.jsonl')
  const configFor = (env: Record<string, string> = {}) =>
    read({ SECRET: LONG_SECRET, DATABASE_URL: `sqlite://${join(dir, 'users.db')}`, OUTBOX_FILE: outbox, ...env }).config
  const savedLevel = process.env.LOG_LEVEL
  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent'
  })
  afterAll(() => {
    if (savedLevel === undefined) delete process.env.LOG_LEVEL
    else process.env.LOG_LEVEL = savedLevel
  })

  async function withApp(config: Config, run: (app: FastifyInstance) => Promise<void>): Promise<void> {
    const app = await buildApp(config)
    try {
      await run(app)
    } finally {
      await app.close()
    }
  }
  const login = (app: FastifyInstance, username: string, password: string) =>
    app.inject({ method: 'POST', url: '/auth/jwt/login', ...form({ username, password }) })

  it('creates the configured superuser', async () => {
    await withApp(configFor({ SUPERUSER_EMAIL: 'root@example.com', SUPERUSER_PASSWORD: 'root-password-1' }), async (app) => {
      const res = await login(app, 'root@example.com', 'root-password-1')
      expect(res.statusCode).toBe(200)
      const me = await app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(res.json().access_token) })
      expect(me.json()).toMatchObject({ email: 'root@example.com', is_active: true, is_superuser: true, is_verified: true })
    })
  })

  it('with USERNAMES=on, registers a username and logs in with it; without, the user model has none', async () => {
    await withApp(configFor({ USERNAMES: 'on' }), async (app) => {
      const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'kay@example.com', password: 'seneschal-kay-1', username: 'Sir.Kay' } })
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json()).toMatchObject({ email: 'kay@example.com', username: 'Sir.Kay' })
      expect((await login(app, 'sir.kay', 'seneschal-kay-1')).statusCode).toBe(200)
    })
    await withApp(configFor(), async (app) => {
      const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ector@example.com', password: 'ector-of-maris-1', username: 'ector' } })
      expect(Object.keys(res.json())).not.toContain('username')
    })
  })

  it('with API_KEYS=on, a user creates a key that reads the app route (X-API-Key or Bearer) and nothing of the account; off, no key routes', async () => {
    await withApp(configFor({ API_KEYS: 'on' }), async (app) => {
      expect((await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'bedivere@example.com', password: 'bedivere-knight-1' } })).statusCode).toBe(201)
      const session = bearerAuth((await login(app, 'bedivere@example.com', 'bedivere-knight-1')).json().access_token)
      const created = await app.inject({ method: 'POST', url: '/users/me/api-keys', headers: session, payload: { name: 'ci', expires_in: 3600 } })
      expect(created.statusCode, created.body).toBe(201)
      const key: string = created.json().key
      expect(key).toMatch(/^fuk_/)
      for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }]) {
        const res = await app.inject({ method: 'GET', url: '/authenticated-route', headers })
        expect(res.statusCode, res.body).toBe(200)
        expect(res.json()).toEqual({ message: 'Hello bedivere@example.com!' })
      }
      expect((await app.inject({ method: 'GET', url: '/users/me', headers: { 'x-api-key': key } })).statusCode).toBe(401)
      expect((await app.inject({ method: 'GET', url: '/authenticated-route', headers: { 'x-api-key': `${key.slice(0, -1)}x` } })).statusCode).toBe(401)
      const revoked = await app.inject({ method: 'DELETE', url: `/users/me/api-keys/${created.json().id}`, headers: session })
      expect(revoked.statusCode).toBe(204)
      expect((await app.inject({ method: 'GET', url: '/authenticated-route', headers: { 'x-api-key': key } })).statusCode).toBe(401)
    })
    await withApp(configFor(), async (app) => {
      const session = bearerAuth((await login(app, 'bedivere@example.com', 'bedivere-knight-1')).json().access_token)
      expect((await app.inject({ method: 'POST', url: '/users/me/api-keys', headers: session, payload: { name: 'ci', expires_in: 3600 } })).statusCode).toBe(404)
    })
  })

  it('promotes an existing user without changing its password', async () => {
    await withApp(configFor(), async (app) => {
      const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'arthur@example.com', password: 'excalibur-1' } })
      expect(res.json()).toMatchObject({ is_superuser: false })
    })
    await withApp(configFor({ SUPERUSER_EMAIL: 'ARTHUR@example.com', SUPERUSER_PASSWORD: 'another-password' }), async (app) => {
      expect((await login(app, 'arthur@example.com', 'another-password')).statusCode).toBe(400)
      const res = await login(app, 'arthur@example.com', 'excalibur-1')
      const me = await app.inject({ method: 'GET', url: '/users/me', headers: bearerAuth(res.json().access_token) })
      expect(me.json()).toMatchObject({ email: 'arthur@example.com', is_superuser: true, is_verified: true })
    })
  })

  it('appends every token it would mail to the outbox as {"event","email","token"}', async () => {
    await withApp(configFor(), async (app) => {
      await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'Gawain@Example.com', password: 'green-knight-1' } })
      await app.inject({ method: 'POST', url: '/auth/forgot-password', payload: { email: 'gawain@example.com' } })
      await app.inject({ method: 'POST', url: '/auth/request-verify-token', payload: { email: 'gawain@example.com' } })
      const lines = await outboxLines(outbox, 2)
      expect(lines.map((line) => Object.keys(line))).toEqual([['event', 'email', 'token'], ['event', 'email', 'token']])
      expect(lines.map((line) => [line.event, line.email]).sort()).toEqual([
        ['forgot_password', 'Gawain@example.com'],
        ['request_verify', 'Gawain@example.com'],
      ])
      const verify = lines.find((line) => line.event === 'request_verify')!
      expect((await app.inject({ method: 'POST', url: '/auth/verify', payload: { token: verify.token } })).statusCode).toBe(200)
    })
  })
})

describe('the example server log', () => {
  it('never shows a token in production, and shows it in development', async () => {
    const production = await runServer({ NODE_ENV: 'production', OUTBOX_FILE_IN_PRODUCTION: 'true' })
    expect(production.log).toMatch(/Server listening at/)
    for (const token of production.tokens) expect(production.log).not.toContain(token)

    const development = await runServer({})
    expect(development.log).toMatch(/Server listening at/)
    for (const token of development.tokens) expect(development.log).toContain(token)
  }, 60_000)
})

async function outboxLines(path: string, count: number): Promise<Array<Record<string, string>>> {
  const deadline = Date.now() + 3000
  for (;;) {
    let text = ''
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      // not written yet
    }
    const lines = text.split('\n').filter((line) => line !== '')
    if (lines.length >= count || Date.now() > deadline) return lines.map((line) => JSON.parse(line) as Record<string, string>)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Starts examples/full/server.ts, has it mail both kinds of token, stops it; returns its log and the tokens. */
async function runServer(env: Record<string, string>): Promise<{ log: string; tokens: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fastify-users-server-'))
  const outbox = join(dir, 'outbox.jsonl')
  const port = await freePort()
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['--conditions=source', 'examples/full/server.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', SECRET: LONG_SECRET, DATABASE_URL: `sqlite://${join(dir, 'users.db')}`, OUTBOX_FILE: outbox, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const deadline = Date.now() + 30_000
    while (!log.includes('Server listening at')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the example server did not start:\n${log}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const post = (path: string, body: object) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    await post('/auth/register', { email: 'lancelot@example.com', password: 'du-lac-password' })
    await post('/auth/forgot-password', { email: 'lancelot@example.com' })
    await post('/auth/request-verify-token', { email: 'lancelot@example.com' })
    const tokens = (await outboxLines(outbox, 2)).map((line) => line.token!)
    expect(tokens).toHaveLength(2)
    child.kill('SIGTERM')
    await exited
    return { log, tokens }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}
