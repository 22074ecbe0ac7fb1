/**
 * The database servers the tests use, and what to do when one is missing. Connection info
 * comes from PG_URL, MYSQL_URL and REDIS_URL, or defaults to this machine's services
 * (PostgreSQL on 127.0.0.1:5432 as `postgres` or `root` with trust auth, MariaDB on
 * 127.0.0.1:3306 as `root` without a password, both with a database `test`; Redis on
 * 127.0.0.1:6379).
 *
 * Outside CI an unreachable server skips the suites that need it, with a warning naming the
 * server; under CI (the `CI` variable set) it fails them, so that a broken service cannot pass
 * for a green build. Suites isolate themselves in a fresh PostgreSQL schema or MySQL database
 * per store, so they can run repeatedly and in parallel with other test files.
 */
import { randomBytes } from 'node:crypto'
import { createConnection as createTcpConnection } from 'node:net'
import mysql from 'mysql2/promise'
import pg from 'pg'

/** Whether the tests run under CI, where a missing service is a failure. */
export const underCi = !['', '0', 'false'].includes((process.env['CI'] ?? '').toLowerCase())

const POSTGRES_CANDIDATES = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test']
const MYSQL_DEFAULT = 'mysql://root@127.0.0.1:3306/test'
const REDIS_DEFAULT = 'redis://127.0.0.1:6379'
const PROBE_TIMEOUT_MS = 2000

const probes = new Map<string, Promise<string | null>>()

/**
 * The PostgreSQL URL to use, or `null` (after a warning) when no server answers outside CI.
 * Under CI an unreachable server throws, failing the test file.
 */
export function requirePostgres(): Promise<string | null> {
  const configured = process.env['PG_URL']
  const candidates = configured ? [configured] : POSTGRES_CANDIDATES
  return requireService('PostgreSQL', candidates, probePostgres)
}

/** The MySQL/MariaDB URL to use, or `null` when unreachable outside CI (throws under CI). */
export function requireMysql(): Promise<string | null> {
  return requireService('MariaDB/MySQL', [process.env['MYSQL_URL'] || MYSQL_DEFAULT], probeMysql)
}

/** The Redis URL to use, or `null` when unreachable outside CI (throws under CI). */
export function requireRedis(): Promise<string | null> {
  return requireService('Redis', [process.env['REDIS_URL'] || REDIS_DEFAULT], probeRedis)
}

function requireService(
  name: string,
  candidates: string[],
  probe: (url: string) => Promise<void>,
): Promise<string | null> {
  const key = `${name} ${candidates.join(' ')}`
  let result = probes.get(key)
  if (result === undefined) {
    result = (async () => {
      const failures: string[] = []
      for (const url of candidates) {
        try {
          await probe(url)
          return url
        } catch (error) {
          failures.push(`${redact(url)}: ${(error as Error).message}`)
        }
      }
      const message = `${name} at ${failures.join('; ')} unreachable`
      if (underCi) throw new Error(`${message} (CI is set, so this fails instead of skipping)`)
      console.warn(`skipping: ${message}`)
      return null
    })()
    probes.set(key, result)
  }
  return result
}

async function probePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
  } finally {
    await client.end().catch(() => {})
  }
}

async function probeMysql(url: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: PROBE_TIMEOUT_MS })
  try {
    await connection.query('SELECT 1')
  } finally {
    await connection.end().catch(() => {})
  }
}

function probeRedis(url: string): Promise<void> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = createTcpConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) })
    const fail = (error: Error): void => {
      socket.destroy()
      reject(error)
    }
    socket.setTimeout(PROBE_TIMEOUT_MS, () => fail(new Error('timed out')))
    socket.once('error', fail)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      // "-NOAUTH" still proves a Redis server answers; the tests' client will authenticate.
      if (/^(\+PONG|-NOAUTH)/.test(data.toString())) resolve()
      else reject(new Error(`unexpected answer ${JSON.stringify(data.toString().trim())}`))
    })
  })
}

/** A URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/** A name unique to this run, usable as a schema or database name. */
export function uniqueName(prefix = 'fu_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`
}

/** A place that exists until `drop()`: the URL of a fresh schema or database. */
export interface ScratchDatabase {
  url: string
  drop(): Promise<void>
}

/**
 * A new PostgreSQL schema; the returned URL puts it first (and alone) on the `search_path`,
 * so every unqualified table lands there.
 */
export async function scratchPostgresSchema(adminUrl: string): Promise<ScratchDatabase> {
  const schema = uniqueName()
  await withPostgres(adminUrl, (client) => client.query(`CREATE SCHEMA ${schema}`))
  const url = new URL(adminUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url: url.toString(),
    drop: () => withPostgres(adminUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
  }
}

/** A new MySQL database, and the URL of it. */
export async function scratchMysqlDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = uniqueName()
  await withMysql(adminUrl, (connection) => connection.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => withMysql(adminUrl, (connection) => connection.query(`DROP DATABASE IF EXISTS ${name}`)),
  }
}

async function withPostgres(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await run(client)
  } finally {
    await client.end()
  }
}

async function withMysql(url: string, run: (connection: mysql.Connection) => Promise<unknown>): Promise<void> {
  const connection = await mysql.createConnection({ uri: url })
  try {
    await run(connection)
  } finally {
    await connection.end()
  }
}
