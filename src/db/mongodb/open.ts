/**
 * Store factories: each connects (or adopts a client), prepares the collections, and returns
 * the two databases the core needs.
 */
import { MongoClient } from 'mongodb'
import type { Db, MongoClientOptions } from 'mongodb'
import type { UserRecord } from '../../user.ts'
import { validateFields } from '../fields.ts'
import type { FieldDefinitions, FieldValues } from '../fields.ts'
import type { AccessTokenDatabase } from '../types.ts'
import { MongoAccessTokenDatabase } from './access-token-database.ts'
import { mongoStartupError } from '../startup-error.ts'
import { MongoConfigurationError } from './errors.ts'
import { MONGO_FIELD_NAMING } from './fields.ts'
import { DEFAULT_ACCESS_TOKENS_COLLECTION, DEFAULT_USERS_COLLECTION, migrate } from './migrate.ts'
import type { MongoCollectionNames } from './migrate.ts'
import { UserDocumentMapper } from './user-document.ts'
import type { UserDocument } from './user-document.ts'
import { MongoUserDatabase } from './user-database.ts'

/** What the store factories return: the core's two databases over one MongoDB database. */
export interface MongoUserStore<U extends UserRecord = UserRecord> {
  users: MongoUserDatabase<U>
  accessTokens: AccessTokenDatabase
  /** The database, for the application's own queries. */
  db: Db
  /** One round trip to the server (`ping`), for readiness checks (`checkHealth`). */
  ping(): Promise<void>
  /** Closes the client the factory opened (a no-op for a client the application passed). */
  destroy(): Promise<void>
}

/** A user record with the declared custom fields typed (the same type as the SQL adapter's). */
export type UserWithFields<F extends FieldDefinitions> = UserRecord & FieldValues<F>

type NoFields = Record<never, never>

/** The request-path timeout when none is given, in ms. */
const DEFAULT_TIMEOUT_MS = 1000

interface CommonOptions<F extends FieldDefinitions> extends MongoCollectionNames {
  /** The application's own fields of the user documents. */
  fields?: F
  /** Prepare the collections now (default). Pass `false` if you run `migrate()` yourself. */
  migrate?: boolean
}

export interface MongoUrlStoreOptions<F extends FieldDefinitions> extends CommonOptions<F> {
  /** `mongodb://…` or `mongodb+srv://…`; the database is its path unless `database` is given. */
  url: string
  database?: string
  /** Further driver settings (pool size, timeouts, TLS); they win over `timeoutMs`. */
  clientOptions?: MongoClientOptions
  /**
   * Milliseconds to find a reachable server and to open a connection before a request is
   * answered 503 (`serverSelectionTimeoutMS`, `connectTimeoutMS`; default 1000, the driver's
   * is 30 s).
   */
  timeoutMs?: number
}

export interface MongoClientStoreOptions<F extends FieldDefinitions> extends CommonOptions<F> {
  /** A client the application owns and keeps: `destroy()` leaves it open. */
  client: MongoClient
  database: string
}

export type MongoStoreOptions<F extends FieldDefinitions> = MongoUrlStoreOptions<F> | MongoClientStoreOptions<F>

/**
 * Opens the store on a MongoDB database: connects (or adopts the application's client),
 * prepares the collections, and returns the store. An existing FastAPI Users collection whose
 * ids are UUIDs opens as is; the adapter adds `email_key` and its indexes.
 *
 * @example
 * ```ts
 * const store = await mongoUserDatabase({
 *   url: 'mongodb://127.0.0.1:27017/app',
 *   fields: { nickname: { type: 'text' } },
 * })
 * const user = await store.users.getByEmail('King.Arthur@camelot.bt')
 * await store.destroy()
 * ```
 */
export async function mongoUserDatabase<F extends FieldDefinitions = NoFields>(
  options: MongoStoreOptions<F>,
): Promise<MongoUserStore<UserWithFields<F>>> {
  const fields = options.fields ?? {}
  validateFields(fields, MONGO_FIELD_NAMING)
  if ('client' in options) {
    const db = options.client.db(options.database)
    if (options.migrate !== false) await migrate(db, options)
    return buildStore(db, options, fields, async () => {})
  }
  const database = options.database ?? databaseOfUrl(options.url)
  if (database === null) {
    throw new MongoConfigurationError(
      'the MongoDB URL names no database: add it as the path (mongodb://host/app) or pass `database`',
    )
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive whole number of milliseconds')
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    ...options.clientOptions,
  })
  try {
    await client.connect()
    const db = client.db(database)
    if (options.migrate !== false) await migrate(db, options)
    return buildStore(db, options, fields, () => client.close())
  } catch (error) {
    await client.close()
    throw mongoStartupError(error, options.url) ?? error
  }
}

/**
 * Opens the store a `mongodb://` or `mongodb+srv://` URL names, its path naming the database:
 * the MongoDB side of a `DATABASE_URL` dispatch.
 *
 * @throws MongoConfigurationError for another scheme or a URL without a database.
 * @example
 * ```ts
 * const store = await openMongoUserDatabase(process.env.DATABASE_URL ?? 'mongodb://127.0.0.1:27017/app')
 * ```
 */
export async function openMongoUserDatabase<F extends FieldDefinitions = NoFields>(
  url: string,
  options: Omit<MongoUrlStoreOptions<F>, 'url'> = {},
): Promise<MongoUserStore<UserWithFields<F>>> {
  if (!isMongoUrl(url)) throw new MongoConfigurationError('a MongoDB URL starts with mongodb:// or mongodb+srv://')
  return mongoUserDatabase({ ...options, url })
}

/**
 * Whether a URL is one `openMongoUserDatabase` opens.
 *
 * @example
 * ```ts
 * isMongoUrl('mongodb+srv://cluster0.example.net/app') // true
 * ```
 */
export function isMongoUrl(url: string): boolean {
  return /^mongodb(\+srv)?:\/\//i.test(url)
}

/** The database a MongoDB URL's path names, or `null`. Hosts may be a list (`h1:1,h2:2`). */
function databaseOfUrl(url: string): string | null {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(url)?.[1] ?? ''
  return path === '' ? null : decodeURIComponent(path)
}

function buildStore<U extends UserRecord>(
  db: Db,
  names: MongoCollectionNames,
  fields: FieldDefinitions,
  destroy: () => Promise<void>,
): MongoUserStore<U> {
  const usersName = names.usersCollection ?? DEFAULT_USERS_COLLECTION
  const tokens = db.collection(names.accessTokensCollection ?? DEFAULT_ACCESS_TOKENS_COLLECTION)
  const documents = new UserDocumentMapper(usersName, fields)
  return {
    users: new MongoUserDatabase<U>(db.collection<UserDocument>(usersName), tokens, documents),
    accessTokens: new MongoAccessTokenDatabase(tokens),
    db,
    ping: async () => void (await db.command({ ping: 1 })),
    destroy,
  }
}
