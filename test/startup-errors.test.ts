/**
 * Start-up failures: each is one line that names what failed and where, never a password from
 * the URL; the library throws it (`DatabaseStartupError`, `MissingDependencyError`, …), and the
 * example prints it and exits 1. Unreachable servers are free local ports nothing listens on.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { DatabaseStartupError, MissingDependencyError } from '../src/index.ts'
import { openUserDatabase, UnsupportedDatabaseUrlError } from '../src/db/kysely/index.ts'
import { openMongoUserDatabase } from '../src/db/mongodb/index.ts'
import { importOptional } from '../src/optional-dependency.ts'
import { connectRedis } from '../src/redis/index.ts'
import { freePort } from './support/free-port.ts'
import { requireMysql, requirePostgres } from './support/services.ts'

const PASSWORD = 'S3cretPassw0rd'

/** The error `open()` rejects with, checked to be one line without the password. */
async function startupFailure(open: () => Promise<unknown>): Promise<Error> {
  const error = await open().then(
    () => {
      throw new Error('the store opened')
    },
    (error: unknown) => error as Error,
  )
  expect(error).toBeInstanceOf(Error)
  expect(error.message).not.toContain('\n')
  expect(error.message).not.toContain(PASSWORD)
  return error
}

describe('start-up errors of the library', () => {
  it('an unreachable PostgreSQL names the address', async () => {
    const port = await freePort()
    const error = await startupFailure(() => openUserDatabase(`postgres://app:${PASSWORD}@127.0.0.1:${port}/users`))
    expect(error).toBeInstanceOf(DatabaseStartupError)
    expect(error.message).toBe(`cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused (is the server running on that port?)`)
  })

  it('a missing PostgreSQL database is named', async (context) => {
    const url = await requirePostgres()
    if (url === null) return context.skip()
    const missing = new URL(url)
    missing.pathname = '/fu_no_such_database'
    missing.password = PASSWORD
    const error = await startupFailure(() => openUserDatabase(missing.href))
    expect(error).toBeInstanceOf(DatabaseStartupError)
    expect(error.message).toMatch(/^the PostgreSQL database "fu_no_such_database" does not exist at 127\.0\.0\.1:5432/)
  })

  it('a missing MySQL/MariaDB database is named', async (context) => {
    const url = await requireMysql()
    if (url === null) return context.skip()
    const missing = new URL(url)
    missing.pathname = '/fu_no_such_database'
    const error = await startupFailure(() => openUserDatabase(missing.href))
    expect(error).toBeInstanceOf(DatabaseStartupError)
    expect(error.message).toMatch(/^the MySQL\/MariaDB database "fu_no_such_database" does not exist at 127\.0\.0\.1:3306/)
  })

  it('an unreachable MySQL/MariaDB names the address', async () => {
    const port = await freePort()
    const error = await startupFailure(() => openUserDatabase(`mysql://root:${PASSWORD}@127.0.0.1:${port}/users`))
    expect(error).toBeInstanceOf(DatabaseStartupError)
    expect(error.message).toMatch(new RegExp(`^cannot connect to MySQL/MariaDB at 127\\.0\\.0\\.1:${port}: connection refused`))
  })

  it('an unknown URL scheme lists the supported ones, MongoDB included, and quotes only the scheme', async () => {
    const error = await startupFailure(() => openUserDatabase(`redis://user:${PASSWORD}@127.0.0.1/0`))
    expect(error).toBeInstanceOf(UnsupportedDatabaseUrlError)
    expect(error.message).toContain('"redis"')
    expect(error.message).toContain('postgres://')
    expect(error.message).toContain('mongodb://')
  })

  it('a SQLite file in a missing directory is named', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'fu-startup-')), 'missing', 'users.db')
    const error = await startupFailure(() => openUserDatabase(`sqlite://${filename}`))
    expect(error).toBeInstanceOf(DatabaseStartupError)
    expect(error.message).toBe(`cannot open the SQLite database ${JSON.stringify(filename)}: Cannot open database because the directory does not exist`)
  })

  it('an unreachable MongoDB names the address', async () => {
    const port = await freePort()
    const error = await startupFailure(() =>
      openMongoUserDatabase(`mongodb://app:${PASSWORD}@127.0.0.1:${port}/users`, { clientOptions: { serverSelectionTimeoutMS: 500 } }),
    )
    expect(error).toBeInstanceOf(DatabaseStartupError)
    expect(error.message).toBe(`cannot connect to MongoDB at 127.0.0.1:${port}: connection refused (is the server running on that port?)`)
  })

  it('an unreachable Redis is one error, without "Unhandled error event" on the console', async () => {
    const port = await freePort()
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const error = await startupFailure(() => connectRedis(`redis://:${PASSWORD}@127.0.0.1:${port}`))
      expect(error).toBeInstanceOf(DatabaseStartupError)
      expect(error.message).toBe(`cannot connect to Redis at 127.0.0.1:${port}: connection refused (is the server running on that port?)`)
      // ioredis prints its unhandled errors on the next turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(consoleError).not.toHaveBeenCalled()
    } finally {
      consoleError.mockRestore()
    }
  })

  it('a driver that is not installed is one line naming the package', async () => {
    const name = 'fastify-users-no-such-driver'
    const error = await startupFailure(() => importOptional(name, 'The test adapter', () => import(name)))
    expect(error).toBeInstanceOf(MissingDependencyError)
    expect(error.message).toBe(`The test adapter needs the package "${name}", which is not installed: npm install ${name}`)
  })
})

/** Runs the full example with `env`, and returns its exit code and stderr. */
function runExample(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/full/server.ts'], {
      env: { ...process.env, NODE_ENV: 'development', SECRET: 'a-test-secret-of-at-least-32-characters', LOG_LEVEL: 'silent', HOST: '127.0.0.1', REDIS_URL: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stderr }))
  })
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '')
}

describe('start-up errors of the example', () => {
  const servers: Server[] = []
  afterAll(() => servers.forEach((server) => server.close()))

  it('a port in use: one line, exit code 1', async () => {
    const server = createServer()
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const dir = mkdtempSync(join(tmpdir(), 'fu-startup-'))
    const { code, stderr } = await runExample({ PORT: String(port), DATABASE_URL: `sqlite://${join(dir, 'users.db')}` })
    expect(code).toBe(1)
    expect(errorLines(stderr)).toEqual([`Start-up error: port ${port} of 127.0.0.1 is in use: stop the other server or set PORT`])
  }, 60_000)

  it('an unreachable database: one line without the password, exit code 1', async () => {
    const port = await freePort()
    const { code, stderr } = await runExample({ PORT: String(await freePort()), DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/users` })
    expect(code).toBe(1)
    expect(errorLines(stderr)).toEqual([
      `Start-up error: cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused (is the server running on that port?)`,
    ])
  }, 60_000)

  it('an unreachable Redis: one line, exit code 1', async () => {
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), 'fu-startup-'))
    const { code, stderr } = await runExample({
      PORT: String(await freePort()),
      DATABASE_URL: `sqlite://${join(dir, 'users.db')}`,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    })
    expect(code).toBe(1)
    expect(errorLines(stderr)).toEqual([`Start-up error: cannot connect to Redis at 127.0.0.1:${port}: connection refused (is the server running on that port?)`])
  }, 60_000)
})
