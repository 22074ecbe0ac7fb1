/**
 * Preparing the collections, idempotently, on every start (several processes may run it at
 * once): refuse a users collection whose ids are not UUIDs, give every user its `email_key`
 * (the ASCII-folded email, for a collection FastAPI Users wrote), refuse emails that collide in
 * letter case, then create the indexes of the users, the access tokens, and fastify-users' own
 * collections (JWT revocation, refresh tokens, used magic links, passkeys and their challenges),
 * whose expired entries TTL indexes delete; API keys, listed by user; audit events, which the
 * audit log's retention deletes.
 * Beanie's own indexes, if present, stay; fastify-users creates none of them (see index.ts for
 * why the email index is on `email_key`).
 */
import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb'
import { MongoBulkWriteError } from 'mongodb'
import { foldEmail } from '../../email.ts'
import { EmailCaseCollisionError } from '../errors.ts'
import { MongoConfigurationError, UnsupportedUserIdError } from './errors.ts'
import { uuidString } from './ids.ts'
import { API_KEY_COLLECTION } from './api-key-store.ts'
import { AUDIT_COLLECTION } from './audit-store.ts'
import { MAGIC_LINK_COLLECTION } from './magic-link-store.ts'
import { PASSKEY_CHALLENGE_COLLECTION, PASSKEY_COLLECTION } from './passkey-store.ts'
import { REFRESH_TOKEN_COLLECTION } from './refresh-token-store.ts'
import { SESSION_COLLECTION } from './session-store.ts'
import { DENYLIST_COLLECTION } from './revocation-store.ts'

/** The collections of a store, by name. */
export interface MongoCollectionNames {
  /** The users: Beanie names it after the document class, `User` in FastAPI Users' docs. */
  usersCollection?: string
  /** The database strategy's tokens: `AccessToken` in FastAPI Users' docs. */
  accessTokensCollection?: string
}

export const DEFAULT_USERS_COLLECTION = 'User'
export const DEFAULT_ACCESS_TOKENS_COLLECTION = 'AccessToken'

interface IndexSpec {
  key: Document
  name: string
  unique?: boolean
  /** 0 makes a TTL index: a document goes once the date in the field has passed. */
  expireAfterSeconds?: number
  /** Only documents matching it are in the index. */
  partialFilterExpression?: Document
}

const EMAIL_INDEX: IndexSpec = { key: { email_key: 1 }, name: 'ux_email_key', unique: true }
const USER_INDEXES: IndexSpec[] = [
  EMAIL_INDEX,
  { key: { 'oauth_accounts.oauth_name': 1, 'oauth_accounts.account_id': 1 }, name: 'ix_oauth_accounts' },
  { key: { 'oauth_accounts.id': 1 }, name: 'ix_oauth_accounts_id' },
  // Listing users by creation time; documents without the time keep none (src/db/user-listing.ts).
  { key: { created_at: 1, email_key: 1 }, name: 'ix_created_at' },
  // Listing the users of one role: a seek to the role, then the page's order.
  { key: { roles: 1, email_key: 1 }, name: 'ix_roles_email_key' },
  { key: { roles: 1, created_at: 1, email_key: 1 }, name: 'ix_roles_created_at' },
  // Listing the users of one flag value (`is_superuser=true`: a few among a million), the same way.
  ...(['is_active', 'is_verified', 'is_superuser'] as const).flatMap((flag): IndexSpec[] => [
    { key: { [flag]: 1, email_key: 1 }, name: `ix_${flag}_email_key` },
    { key: { [flag]: 1, created_at: 1, email_key: 1 }, name: `ix_${flag}_created_at` },
  ]),
  // Usernames (issue 16), unique across ASCII letter case; users without one are not in the index.
  { key: { username_key: 1 }, name: 'ux_username_key', unique: true, partialFilterExpression: { username_key: { $type: 'string' } } },
]
const TOKEN_INDEXES: IndexSpec[] = [
  // Beanie's name for `IndexModel("token", unique=True)`, so that its index is this one.
  { key: { token: 1 }, name: 'token_1', unique: true },
  { key: { user_id: 1 }, name: 'user_id_1' },
]
const DENYLIST_INDEXES: IndexSpec[] = [{ key: { expires_at: 1 }, name: 'ttl_expires_at', expireAfterSeconds: 0 }]
const REFRESH_TOKEN_INDEXES: IndexSpec[] = [
  { key: { family_id: 1 }, name: 'ix_family_id' },
  { key: { user_id: 1 }, name: 'ix_user_id' },
  { key: { access_token_hash: 1 }, name: 'ix_access_token_hash' },
  { key: { expires_at: 1 }, name: 'ttl_expires_at', expireAfterSeconds: 0 },
]
const MAGIC_LINK_INDEXES: IndexSpec[] = [{ key: { expires_at: 1 }, name: 'ttl_expires_at', expireAfterSeconds: 0 }]
// The credential id is `_id`; the server's id and the user's list need their own.
const PASSKEY_INDEXES: IndexSpec[] = [
  { key: { id: 1 }, name: 'ux_id', unique: true },
  { key: { user_id: 1, created_at: 1 }, name: 'ix_user_id' },
]
const PASSKEY_CHALLENGE_INDEXES: IndexSpec[] = [{ key: { expires_at: 1 }, name: 'ttl_expires_at', expireAfterSeconds: 0 }]
// No TTL: an expired key stays listed, as on SQL, until its owner revokes it.
const API_KEY_INDEXES: IndexSpec[] = [{ key: { user_id: 1, created_at: 1 }, name: 'ix_user_id_created_at' }]
const SESSION_INDEXES: IndexSpec[] = [
  { key: { user_id: 1 }, name: 'ix_user_id' },
  { key: { access_token_hash: 1 }, name: 'ix_access_token_hash' },
  { key: { expires_at: 1 }, name: 'ttl_expires_at', expireAfterSeconds: 0 },
]
const AUDIT_INDEXES: IndexSpec[] = [
  { key: { user_id: 1, occurred_at: -1, _id: -1 }, name: 'ix_user_occurred_at' },
  { key: { occurred_at: 1 }, name: 'ix_occurred_at' },
]
const BATCH = 1000
/** Where the users are, in the words of an `EmailCaseCollisionError`. */
const USERS_HOLDER = 'the users collection'

/**
 * Prepares the users and access-token collections of `db` for fastify-users.
 *
 * @throws UnsupportedUserIdError when a user's `_id` is not a BSON UUID (Beanie's default ObjectId).
 * @throws EmailCaseCollisionError when emails differ only in ASCII letter case.
 * @example
 * ```ts
 * await migrate(client.db('app'), { usersCollection: 'User' })
 * ```
 */
export async function migrate(db: Db, names: MongoCollectionNames = {}): Promise<void> {
  const usersName = names.usersCollection ?? DEFAULT_USERS_COLLECTION
  const users = db.collection(usersName)
  await refuseForeignIds(users, usersName)
  const indexed = await hasIndex(users, EMAIL_INDEX)
  await backfillEmailKeys(users)
  if (!indexed) {
    const collisions = await findCollisions(users)
    if (collisions.length > 0) throw new EmailCaseCollisionError(collisions, { holder: USERS_HOLDER })
  }
  await ensureIndexes(users, USER_INDEXES)
  await ensureIndexes(db.collection(names.accessTokensCollection ?? DEFAULT_ACCESS_TOKENS_COLLECTION), TOKEN_INDEXES)
  await ensureIndexes(db.collection(DENYLIST_COLLECTION), DENYLIST_INDEXES)
  await ensureIndexes(db.collection(REFRESH_TOKEN_COLLECTION), REFRESH_TOKEN_INDEXES)
  await ensureIndexes(db.collection(MAGIC_LINK_COLLECTION), MAGIC_LINK_INDEXES)
  await ensureIndexes(db.collection(PASSKEY_COLLECTION), PASSKEY_INDEXES)
  await ensureIndexes(db.collection(PASSKEY_CHALLENGE_COLLECTION), PASSKEY_CHALLENGE_INDEXES)
  await ensureIndexes(db.collection(API_KEY_COLLECTION), API_KEY_INDEXES)
  await ensureIndexes(db.collection(SESSION_COLLECTION), SESSION_INDEXES)
  await ensureIndexes(db.collection(AUDIT_COLLECTION), AUDIT_INDEXES)
}

/**
 * Every `_id` is a UUID when the smallest and the largest are: BSON orders values by type
 * first, and binary values by length, then subtype, so nothing else fits between two 16-byte
 * subtype-4 values. Two lookups on the `_id` index, whatever the collection's size.
 */
async function refuseForeignIds(users: Collection, name: string): Promise<void> {
  for (const direction of [1, -1] as const) {
    const [document] = await users.find({}, { projection: { _id: 1 } }).sort({ _id: direction }).limit(1).toArray()
    if (document !== undefined && uuidString(document['_id']) === null) {
      const type = (document['_id'] as { _bsontype?: unknown } | null)?._bsontype
      throw new UnsupportedUserIdError(name, `of type ${typeof type === 'string' ? type : typeof document['_id']}`)
    }
  }
}

async function backfillEmailKeys(users: Collection): Promise<void> {
  const cursor = users.find({ email_key: { $exists: false } }, { projection: { email: 1 } })
  const batch: AnyBulkWriteOperation[] = []
  for await (const document of cursor) {
    if (typeof document['email'] !== 'string') continue
    batch.push({
      updateOne: {
        filter: { _id: document['_id'], email_key: { $exists: false } },
        update: { $set: { email_key: foldEmail(document['email']) } },
      },
    })
    if (batch.length >= BATCH) await writeKeys(users, batch.splice(0))
  }
  if (batch.length > 0) await writeKeys(users, batch)
}

async function writeKeys(users: Collection, batch: AnyBulkWriteOperation[]): Promise<void> {
  try {
    await users.bulkWrite(batch, { ordered: false })
  } catch (error) {
    // The unique index exists and refused keys that other users hold.
    if (error instanceof MongoBulkWriteError && error.code === 11000) {
      throw new EmailCaseCollisionError(await findCollisions(users), { holder: USERS_HOLDER })
    }
    throw error
  }
}

/**
 * The groups of emails that fold to one key: users sharing a key (before the index exists), and
 * users without a key whose key another user holds (their backfill was refused by the index).
 */
async function findCollisions(users: Collection): Promise<string[][]> {
  const groups = new Map<string, Set<string>>()
  const add = (key: string, email: unknown): void => {
    if (typeof email !== 'string') return
    const group = groups.get(key) ?? new Set<string>()
    group.add(email)
    groups.set(key, group)
  }
  const shared = users.aggregate<{ _id: string; emails: unknown[] }>([
    { $match: { email_key: { $type: 'string' } } },
    { $group: { _id: '$email_key', emails: { $push: '$email' }, count: { $sum: 1 } } },
    { $match: { count: { $gt: 1 } } },
  ])
  for await (const group of shared) for (const email of group.emails) add(group._id, email)
  for await (const document of users.find({ email_key: { $exists: false } }, { projection: { email: 1 } })) {
    if (typeof document['email'] !== 'string') continue
    const key = foldEmail(document['email'])
    const holder = await users.findOne({ email_key: { $eq: key } }, { projection: { email: 1 } })
    if (holder === null) continue
    add(key, holder['email'])
    add(key, document['email'])
  }
  const collisions = [...groups.values()].map((group) => [...group].sort())
  return collisions.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
}

async function hasIndex(collection: Collection, spec: IndexSpec): Promise<boolean> {
  const indexes = await collection.listIndexes().toArray().catch((error: unknown) => {
    // A collection that does not exist yet has no indexes (NamespaceNotFound).
    if ((error as { code?: unknown }).code === 26) return []
    throw error
  })
  const key = JSON.stringify(spec.key)
  const existing = indexes.find((index) => JSON.stringify(index['key']) === key)
  if (existing === undefined) return false
  if (spec.unique === true && existing['unique'] !== true) {
    throw new MongoConfigurationError(
      `the index ${JSON.stringify(existing['name'])} on ${key} of ${JSON.stringify(collection.collectionName)} ` +
        'must be unique; drop it and fastify-users will create its own',
    )
  }
  return true
}

/** Creates each index unless one on the same key exists, whatever its name (Beanie's, say). */
async function ensureIndexes(collection: Collection, specs: IndexSpec[]): Promise<void> {
  const missing: IndexSpec[] = []
  for (const spec of specs) if (!(await hasIndex(collection, spec))) missing.push(spec)
  if (missing.length > 0) await collection.createIndexes(missing)
}
