/**
 * `fastify-users doctor`: checks a deployment's configuration and database without changing
 * either. From the environment the example and most deployments use (SECRET, NODE_ENV,
 * COOKIE_SECURE, TRUST_PROXY, REDIS_URL, DATABASE_URL): the secret's length, the cookie flags,
 * trust proxy, whether Redis keeps its data across a restart; from the database, read only:
 * emails that differ only in letter case (which stop fastify-users from opening a FastAPI Users
 * database) and password hashes still in an older format (upgraded at each user's next login).
 * Exit code 1 when a check fails, 0 otherwise (warnings included).
 */
import { parseArgs } from 'node:util'
import { parseOptions } from '@node-rs/argon2'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import { DatabaseStartupError, mongoStartupError, sqlStartupError } from '../../db/startup-error.ts'
import { foldEmail } from '../../email.ts'
import { importOptional } from '../../optional-dependency.ts'
import { OWASP_ARGON2ID } from '../../password.ts'
import { connectRedis } from '../../redis/connect.ts'
import { isMongoUrl, UsageError } from '../open-store.ts'
import { step } from '../progress.ts'
import { hashScheme } from './users.ts'

export const DOCTOR_USAGE = 'usage: fastify-users doctor [--database-url URL] [--redis-url URL]   (and SECRET, NODE_ENV, COOKIE_SECURE, TRUST_PROXY)'

const MIN_SECRET_LENGTH = 32

type Level = 'ok' | 'warn' | 'FAIL'

interface Finding {
  level: Level
  line: string
}

export async function doctorCommand(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: { 'database-url': { type: 'string' }, 'redis-url': { type: 'string' }, help: { type: 'boolean' } },
    }).values
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${DOCTOR_USAGE}`)
  }
  if (values.help) {
    console.log(DOCTOR_USAGE)
    return 0
  }
  const env = process.env
  const findings = configurationFindings(env)
  const redisUrl = values['redis-url'] ?? env.REDIS_URL ?? ''
  if (redisUrl !== '') findings.push(await redisFinding(redisUrl))
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL ?? ''
  if (databaseUrl === '') findings.push({ level: 'warn', line: 'database: no --database-url or DATABASE_URL, not checked' })
  else findings.push(...(await databaseFindings(databaseUrl)))
  for (const { level, line } of findings) console.log(`${level.padEnd(4)}  ${line}`)
  return findings.some((finding) => finding.level === 'FAIL') ? 1 : 0
}

/** The settings of the environment, as the example reads them. */
export function configurationFindings(env: NodeJS.ProcessEnv): Finding[] {
  const production = env.NODE_ENV === 'production'
  const findings: Finding[] = []
  const secret = env.SECRET ?? ''
  if (secret === '') findings.push({ level: production ? 'FAIL' : 'warn', line: 'SECRET is not set' })
  else if (secret.length < MIN_SECRET_LENGTH) {
    findings.push({ level: 'FAIL', line: `SECRET has ${secret.length} characters; use ${MIN_SECRET_LENGTH} or more (openssl rand -base64 48)` })
  } else findings.push({ level: 'ok', line: `SECRET has ${secret.length} characters` })
  if (['false', '0', 'no'].includes((env.COOKIE_SECURE ?? '').toLowerCase())) {
    findings.push({ level: production ? 'FAIL' : 'warn', line: 'COOKIE_SECURE is off: the auth cookie would travel over plain HTTP' })
  } else findings.push({ level: 'ok', line: 'the auth cookie is Secure, HttpOnly, SameSite=Lax' })
  const trustProxy = env.TRUST_PROXY ?? ''
  if (trustProxy === 'true') {
    findings.push({ level: 'warn', line: 'TRUST_PROXY=true believes any X-Forwarded-For: name the proxy addresses instead, or a client picks its own rate-limit key' })
  } else if (trustProxy === '') {
    findings.push({ level: 'ok', line: "TRUST_PROXY unset: rate limits key on the socket's address (behind a reverse proxy, set it to the proxy's addresses)" })
  } else findings.push({ level: 'ok', line: `TRUST_PROXY trusts ${trustProxy}` })
  return findings
}

async function redisFinding(url: string): Promise<Finding> {
  const redis = await connectRedis(url, { maxRetriesPerRequest: 1 })
  try {
    const [, appendonly] = (await redis.call('CONFIG', 'GET', 'appendonly')) as string[]
    const [, save] = (await redis.call('CONFIG', 'GET', 'save')) as string[]
    if (appendonly !== 'yes' && (save ?? '') === '') {
      return { level: 'warn', line: 'Redis keeps nothing on disk (no appendonly, no save): a restart forgets logouts and Redis tokens' }
    }
    return { level: 'ok', line: `Redis persists its data (${appendonly === 'yes' ? 'appendonly' : `save ${save}`})` }
  } catch (error) {
    return { level: 'warn', line: `Redis persistence not checked: ${(error as Error).message}` }
  } finally {
    redis.disconnect()
  }
}

interface StoredUser {
  email: string
  hashed_password: string
}

async function databaseFindings(url: string): Promise<Finding[]> {
  const users = await step('Reading the users', () => (isMongoUrl(url) ? readMongoUsers(url) : readSqlUsers(url)))
  if (users === null) return [{ level: 'ok', line: 'database: no user table yet (fastify-users migrate creates it)' }]
  const findings: Finding[] = [{ level: 'ok', line: `database: ${users.length} users` }]
  const groups = new Map<string, string[]>()
  for (const { email } of users) groups.set(foldEmail(email), [...(groups.get(foldEmail(email)) ?? []), email])
  const collisions = [...groups.values()].filter((group) => group.length > 1)
  if (collisions.length > 0) {
    const shown = collisions.slice(0, 5).map((group) => group.join(' = ')).join('; ')
    findings.push({
      level: 'FAIL',
      line: `${collisions.length} emails differ only in letter case (fastify-users refuses to open the table until they are merged or renamed): ${shown}`,
    })
  } else findings.push({ level: 'ok', line: 'no emails differ only in letter case' })
  const counts = new Map<string, number>()
  for (const { hashed_password: hash } of users) counts.set(hashFormat(hash), (counts.get(hashFormat(hash)) ?? 0) + 1)
  const old = [...counts].filter(([format]) => format !== 'argon2id (current parameters)')
  if (old.length > 0) {
    findings.push({
      level: 'warn',
      line: `hashes in older formats, upgraded at each user's next login: ${old.map(([format, count]) => `${count} ${format}`).join(', ')}`,
    })
  } else findings.push({ level: 'ok', line: 'every password hash is argon2id with the current parameters' })
  return findings
}

function hashFormat(hash: string): string {
  const scheme = hashScheme(hash)
  if (scheme !== 'argon2id') return scheme
  try {
    const { memoryCost, timeCost, parallelism } = parseOptions(hash)
    const current =
      memoryCost === OWASP_ARGON2ID.memoryCost && timeCost === OWASP_ARGON2ID.timeCost && parallelism === OWASP_ARGON2ID.parallelism
    return current ? 'argon2id (current parameters)' : `argon2id (m=${memoryCost},t=${timeCost},p=${parallelism})`
  } catch {
    return 'unknown'
  }
}

/** The users of a SQL database, read without migrating it; `null` without a user table. */
async function readSqlUsers(url: string): Promise<StoredUser[] | null> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? ''
  let db: Kysely<{ user: StoredUser }>
  if (scheme === 'sqlite') {
    const { default: Database } = await importOptional('better-sqlite3', 'The SQLite adapter', () => import('better-sqlite3'))
    const filename = url.slice('sqlite://'.length)
    let database
    try {
      database = new Database(filename, { readonly: true, fileMustExist: true })
    } catch (error) {
      throw new DatabaseStartupError(`cannot open the SQLite database ${JSON.stringify(filename)}: ${(error as Error).message}`, { cause: error })
    }
    db = new Kysely({ dialect: new SqliteDialect({ database }) })
  } else if (scheme === 'postgres' || scheme === 'postgresql') {
    const { Pool } = await importOptional('pg', 'The PostgreSQL adapter', () => import('pg'))
    db = new Kysely({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 1 }) }) })
  } else if (scheme === 'mysql' || scheme === 'mariadb') {
    const { createPool } = await importOptional('mysql2', 'The MySQL/MariaDB adapter', () => import('mysql2'))
    db = new Kysely({ dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 1 }) }) })
  } else throw new UsageError(`unsupported database URL scheme ${JSON.stringify(scheme)}`)
  try {
    const tables = await db.introspection.getTables()
    if (!tables.some((table) => table.name === 'user')) return null
    return await db.selectFrom('user').select(['email', 'hashed_password']).execute()
  } catch (error) {
    if (scheme === 'sqlite') throw error
    throw sqlStartupError(error, scheme.startsWith('postgres') ? 'PostgreSQL' : 'MySQL/MariaDB', url) ?? error
  } finally {
    await db.destroy()
  }
}

async function readMongoUsers(url: string): Promise<StoredUser[] | null> {
  const { MongoClient } = await importOptional('mongodb', 'A mongodb:// URL', () => import('mongodb'))
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 })
  try {
    try {
      await client.connect()
    } catch (error) {
      throw mongoStartupError(error, url) ?? error
    }
    const db = client.db()
    if ((await db.listCollections({ name: 'User' }, { nameOnly: true }).toArray()).length === 0) return null
    const documents = await db.collection('User').find({}, { projection: { email: 1, hashed_password: 1 } }).toArray()
    return documents.map((doc) => ({ email: String(doc['email']), hashed_password: String(doc['hashed_password'] ?? '') }))
  } finally {
    await client.close()
  }
}
