/**
 * `fastify-users users list|show|deactivate|verify`: the everyday look at and fixes of user
 * accounts, without a superuser token or a SQL prompt. Users are named by email or id.
 * Deactivating a user ends their use of the service at their next request (the guards refuse
 * inactive users); it does not delete anything.
 */
import { parseArgs } from 'node:util'
import { normalizeEmail } from '../../email.ts'
import { parseId } from '../../id.ts'
import type { UserRecord } from '../../user.ts'
import { databaseUrl, openStore, UsageError, type CliStore } from '../open-store.ts'

export const USERS_USAGE =
  'usage: fastify-users users list [--limit N] [--database-url URL]\n' +
  '       fastify-users users show|deactivate|verify EMAIL_OR_ID [--database-url URL]'

interface Listed {
  id: string
  email: string
  is_active: boolean
  is_superuser: boolean
  is_verified: boolean
}

export async function usersCommand(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'database-url': { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean' } },
    })
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USERS_USAGE}`)
  }
  const { values, positionals } = parsed
  const [action, who, ...extra] = positionals
  if (values.help) {
    console.log(USERS_USAGE)
    return 0
  }
  if (extra.length > 0 || action === undefined) throw new UsageError(USERS_USAGE)
  if (action === 'list') {
    const limit = values.limit === undefined ? 100 : Number(values.limit)
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a whole number of 1 or more')
    const store = await openStore(databaseUrl(values['database-url']))
    try {
      const users = await listUsers(store, limit)
      for (const user of users) console.log(describe(user))
      console.log(`${users.length} user${users.length === 1 ? '' : 's'}${users.length === limit ? ` (the first ${limit}; --limit for more)` : ''}`)
      return 0
    } finally {
      await store.destroy()
    }
  }
  if (!['show', 'deactivate', 'verify'].includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}\n${USERS_USAGE}`)
  if (who === undefined) throw new UsageError(`${action} needs an email or an id\n${USERS_USAGE}`)
  const store = await openStore(databaseUrl(values['database-url']))
  try {
    const user = await findUser(store, who)
    if (user === null) {
      console.error(`fastify-users: no user ${who}`)
      return 1
    }
    if (action === 'show') {
      const { hashed_password: hash, ...fields } = user
      console.log(JSON.stringify({ ...fields, password_hash_scheme: hashScheme(hash) }, null, 2))
      return 0
    }
    const change = action === 'deactivate' ? { is_active: false } : { is_verified: true }
    const updated = await store.users.update(user, change)
    console.log(`${action === 'deactivate' ? 'Deactivated' : 'Verified'}: ${describe(updated)}`)
    return 0
  } finally {
    await store.destroy()
  }
}

async function findUser(store: CliStore, who: string): Promise<UserRecord | null> {
  const id = parseId(who)
  if (id !== null) return store.users.get(id)
  const email = normalizeEmail(who)
  if (email === null) throw new UsageError(`neither an email nor an id: ${who}`)
  return store.users.getByEmail(email)
}

async function listUsers(store: CliStore, limit: number): Promise<Listed[]> {
  if (store.kind === 'sql') {
    const rows = await store.sql.db
      .selectFrom('user')
      .select(['id', 'email', 'is_active', 'is_superuser', 'is_verified'])
      .orderBy('email')
      .limit(limit)
      .execute()
    return rows.map((row) => ({
      id: String(row.id).toLowerCase(),
      email: row.email,
      is_active: Boolean(row.is_active),
      is_superuser: Boolean(row.is_superuser),
      is_verified: Boolean(row.is_verified),
    }))
  }
  const { uuidString } = await import('../../db/mongodb/ids.ts')
  const documents = await store.mongo.db
    .collection('User')
    .find({}, { projection: { email: 1, is_active: 1, is_superuser: 1, is_verified: 1 } })
    .sort({ email: 1 })
    .limit(limit)
    .toArray()
  return documents.map((doc) => ({
    id: uuidString(doc['_id']) ?? String(doc['_id']),
    email: String(doc['email']),
    is_active: doc['is_active'] === true,
    is_superuser: doc['is_superuser'] === true,
    is_verified: doc['is_verified'] === true,
  }))
}

function describe(user: Listed): string {
  const flags = [user.is_active ? 'active' : 'inactive', user.is_verified ? 'verified' : 'unverified']
  if (user.is_superuser) flags.push('superuser')
  return `${user.id}  ${user.email}  ${flags.join(', ')}`
}

/** The family of a stored hash, never the hash itself. */
export function hashScheme(hash: string): string {
  if (hash.startsWith('$argon2id$')) return 'argon2id'
  if (hash.startsWith('$argon2')) return hash.slice(1, hash.indexOf('$', 1))
  if (/^\$2[abxy]\$/.test(hash)) return 'bcrypt'
  if (hash === '') return 'none'
  return 'unknown'
}
