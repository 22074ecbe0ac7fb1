/**
 * Fresh databases for the example server, one per run of a scenario, and bulk seeding for the
 * scale scenario. SQLite gets a file in the bench's temporary folder; PostgreSQL and MariaDB a
 * new database on the local server (dropped afterwards); MongoDB the adapter tests' server
 * (MONGODB_URL, or the wire-compatible stand-in), run as a child process.
 *
 * Seeding writes the rows with one SQL statement (a recursive CTE or generate_series), every
 * user with the same precomputed argon2id hash: hashing a million passwords would take hours,
 * and the hash's value does not change what a lookup or a login costs.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { sql } from 'kysely'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { openUserDatabase } from '../src/db/kysely/index.ts'
import { fillUserRoleTable } from '../src/db/kysely/migrations/014-user-roles.ts'

export type Adapter = 'sqlite' | 'postgres' | 'mariadb' | 'mongodb'

export interface BenchDatabase {
  url: string
  /** Further environment the example needs for this database. */
  env?: Record<string, string>
  drop(): Promise<void>
}

const POSTGRES_CANDIDATES = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test']
const MARIADB_URL = 'mysql://root@127.0.0.1:3306/test'
export const MONGO_SERVER = 'test/support/mongo-server-main.ts'

let counter = 0
const uniqueName = () => `fu_bench_${process.pid}_${++counter}`

/** The admin URL of a reachable PostgreSQL server, or the reason there is none. */
export async function findPostgres(): Promise<{ url: string } | { reason: string }> {
  const candidates = process.env['PG_URL'] ? [process.env['PG_URL']] : POSTGRES_CANDIDATES
  const failures: string[] = []
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.end()
      return { url }
    } catch (error) {
      failures.push(`${url}: ${(error as Error).message}`)
    }
  }
  return { reason: `PostgreSQL unreachable (${failures.join('; ')}); set PG_URL` }
}

/** The URL of a reachable MariaDB/MySQL server, or the reason there is none. */
export async function findMariadb(): Promise<{ url: string } | { reason: string }> {
  const url = process.env['MYSQL_URL'] || MARIADB_URL
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 2000 })
    await connection.end()
    return { url }
  } catch (error) {
    return { reason: `MariaDB unreachable at ${url} (${(error as Error).message}); set MYSQL_URL` }
  }
}

/**
 * A new, empty database of `adapter`, or the reason it cannot be had here.
 *
 * @example
 * const db = await createDatabase('sqlite', tmp)
 * if ('url' in db) { ...; await db.drop() }
 */
export async function createDatabase(adapter: Adapter, tmpDir: string): Promise<BenchDatabase | { reason: string }> {
  switch (adapter) {
    case 'sqlite':
      return { url: `sqlite://${join(tmpDir, `${uniqueName()}.db`)}`, drop: async () => {} }
    case 'postgres': {
      const server = await findPostgres()
      if (!('url' in server)) return server
      const name = uniqueName()
      await adminPostgres(server.url, `CREATE DATABASE ${name}`)
      const url = new URL(server.url)
      url.pathname = `/${name}`
      return { url: url.toString(), drop: () => adminPostgres(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
    }
    case 'mariadb': {
      const server = await findMariadb()
      if (!('url' in server)) return server
      const name = uniqueName()
      await adminMariadb(server.url, `CREATE DATABASE ${name}`)
      const url = new URL(server.url)
      url.pathname = `/${name}`
      return { url: url.toString(), drop: () => adminMariadb(server.url, `DROP DATABASE IF EXISTS ${name}`) }
    }
    case 'mongodb':
      return createMongoDatabase()
  }
}

/** A database on the adapter tests' MongoDB server, which a child process runs for the run. */
async function createMongoDatabase(): Promise<BenchDatabase | { reason: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MONGO_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    child.kill('SIGTERM')
    await exited
  }
  const line = await new Promise<string>((resolve) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', resolve)
    child.once('exit', () => resolve('{"reason":"the MongoDB test server exited"}'))
  })
  const started = JSON.parse(line) as { url?: string; kind?: string; reason?: string }
  if (started.url === undefined) {
    await stop()
    return { reason: started.reason ?? 'the MongoDB test server did not start' }
  }
  const url = new URL(started.url)
  url.pathname = `/${uniqueName()}`
  return { url: url.toString(), drop: stop }
}

async function adminPostgres(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function adminMariadb(url: string, statement: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url })
  try {
    await connection.query(statement)
  } finally {
    await connection.end()
  }
}

/** The id of the n-th seeded user (n from 1): a valid UUID, so ids stay in the adapter's format. */
export function seededId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

const SEED_EPOCH_SECONDS = 1_700_000_000

/** When the n-th seeded user was created: one second after the one before. */
export function seededCreatedAt(n: number): Date {
  return new Date((SEED_EPOCH_SECONDS + n) * 1000)
}

/** The email of the n-th seeded user. */
export function seededEmail(n: number): string {
  return `user${n}@bench.example.com`
}

/**
 * Migrates the database through the library (so the tables and indexes are the real ones), then
 * inserts `count` active, verified users in one statement, all with `hashedPassword`, the n-th
 * created `seededCreatedAt(n)`.
 *
 * @example
 * await seedUsers(db.url, 1_000_000, await new PasswordHelper().hash(PASSWORD))
 */
export async function seedUsers(url: string, count: number, hashedPassword: string): Promise<void> {
  // A million rows in one statement outlast the adapter's per-query timeout, which is for requests.
  const store = await openUserDatabase(url, { timeoutMs: null })
  try {
    const db = store.db
    if (store.dialect === 'sqlite') {
      await sql`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
        INSERT INTO "user" (id, email, hashed_password, is_active, is_superuser, is_verified, created_at)
        SELECT printf('00000000-0000-4000-8000-%012x', i), 'user' || i || '@bench.example.com', ${hashedPassword}, 1, 0, 1,
               strftime('%Y-%m-%d %H:%M:%f', ${SEED_EPOCH_SECONDS} + i, 'unixepoch') || '000'
        FROM n`.execute(db)
      await sql`ANALYZE`.execute(db)
    } else if (store.dialect === 'postgres') {
      await sql`
        INSERT INTO "user" (id, email, hashed_password, is_active, is_superuser, is_verified, created_at)
        SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'user' || i || '@bench.example.com',
               ${hashedPassword}, true, false, true, to_timestamp(${SEED_EPOCH_SECONDS} + i)
        FROM generate_series(1, ${count}) AS i`.execute(db)
      await sql`ANALYZE "user"`.execute(db)
    } else {
      throw new Error(`seeding ${store.dialect} is not implemented`)
    }
  } finally {
    await store.destroy()
  }
}

/**
 * Gives `role` to every `every`-th seeded user (user `i` when `i % every == 0`), so that a page
 * filtered by role has the same share of matches at every size: one UPDATE of `user.roles`, then
 * the role table filled from it as migration 14 fills it. Returns the milliseconds of the fill.
 */
export async function grantSeededRole(url: string, role: string, every: number): Promise<number> {
  const store = await openUserDatabase(url, { timeoutMs: null })
  try {
    const roles = JSON.stringify([role])
    if (store.dialect === 'sqlite') {
      await sql`UPDATE "user" SET roles = ${roles} WHERE CAST(substr(email, 5, instr(email, '@') - 5) AS INTEGER) % ${every} = 0`.execute(store.db)
    } else if (store.dialect === 'postgres') {
      await sql`UPDATE "user" SET roles = ${roles} WHERE split_part(split_part(email, '@', 1), 'user', 2)::int % ${every} = 0`.execute(store.db)
    } else {
      throw new Error(`granting roles on ${store.dialect} is not implemented`)
    }
    const started = performance.now()
    await fillUserRoleTable(store.db, store.dialect)
    return performance.now() - started
  } finally {
    await store.destroy()
  }
}

/**
 * Gives `flag` the value `value` on `count` seeded users spread evenly over the `users` (user `i`
 * when `i % (users / count) == offset`), the others keeping the seeded value: a rare value, the
 * same number of matches at every size, so that a page filtered by it is full at 1,000 users and
 * rare at a million.
 */
export async function setSeededFlag(url: string, users: number, flag: 'is_active' | 'is_superuser', value: boolean, count: number, offset: number): Promise<void> {
  const store = await openUserDatabase(url, { timeoutMs: null })
  try {
    const every = Math.floor(users / count)
    const column = sql.ref(flag)
    if (store.dialect === 'sqlite') {
      await sql`UPDATE "user" SET ${column} = ${value ? 1 : 0} WHERE CAST(substr(email, 5, instr(email, '@') - 5) AS INTEGER) % ${every} = ${offset}`.execute(store.db)
      await sql`ANALYZE`.execute(store.db)
    } else if (store.dialect === 'postgres') {
      await sql`UPDATE "user" SET ${column} = ${value} WHERE split_part(split_part(email, '@', 1), 'user', 2)::int % ${every} = ${offset}`.execute(store.db)
      await sql`ANALYZE "user"`.execute(store.db)
    } else {
      throw new Error(`setting flags on ${store.dialect} is not implemented`)
    }
  } finally {
    await store.destroy()
  }
}
