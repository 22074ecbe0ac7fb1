/**
 * The MongoDB server of the adapter tests. With `MONGODB_URL` set, that server (unreachable:
 * skipped with a warning, or failed under CI, as test/support/services.ts does for the others).
 * Otherwise an in-process stand-in, since no MongoDB server installs on this machine: CongoDB,
 * the pure-TypeScript wire-protocol server inside `@push.rocks/smartmongo` 2.2.0
 * (`CongoServer`, memory storage, queries by mingo), which the official driver talks to as to a
 * standalone server.
 *
 * What CongoDB does, read from its source and tried: find with filters (`$eq`, `$elemMatch`,
 * `$exists`, dotted and numeric paths), projections and sort; insert, update (`$set`, `$push`),
 * findAndModify, delete; aggregate (`$match`, `$group`); create/list/drop indexes; drop
 * database. What it does not: unique indexes are checked when an index is built, never on
 * insert or update; collations are ignored; `$type` knows neither `binData` nor `objectId`;
 * updates have no positional `$` nor `arrayFilters`. So the suite's tests that need the
 * database to refuse a duplicate are skipped on it (`uniqueIndexes` says whether a server
 * enforces them, found by trying). Each command runs to its end before the next starts (the
 * memory store never waits), so one command is atomic, as a single-document write is on
 * MongoDB, while an adapter's read-then-write over two commands still races as it would there.
 *
 * Three bugs are repaired here, each making CongoDB do what MongoDB does; none makes it
 * more lenient than MongoDB: it only kept documents whose `_id` is an ObjectId (turning others
 * into one, and failing on a BSON UUID or a string), every update flattened binary values
 * (UUIDs) into plain subdocuments, and an index build ignored its partial filter, so the
 * username index (`{username_key: {$type: 'string'}}`) counted every user without a username
 * as a duplicate of the others.
 *
 * Installing it: smartmongo's main module also drives real `mongod` binaries through
 * mongodb-memory-server, whose install script downloads one, and pulls packages this registry
 * does not have. The package.json `overrides` replace the three dependencies only that module
 * uses (mongodb-memory-server, smartdata, mongodump) with a small package already in the tree,
 * so nothing is downloaded; the tests import only the CongoDB module, which needs none of them.
 */
import { createServer } from 'node:net'
import { MongoClient } from 'mongodb'
import {
  CongoServer,
  IndexEngine,
  MemoryStorageAdapter,
  UpdateEngine,
  plugins,
} from '@push.rocks/smartmongo/dist_ts/congodb/index.js'
import { underCi, uniqueName } from './services.ts'

/** A MongoDB server for one test file. */
export interface MongoTestServer {
  /** The server's URL; each test picks a scratch database of its own. */
  url: string
  /** `mongodb` for the server of `MONGODB_URL`, `congodb` for the in-process stand-in. */
  kind: 'mongodb' | 'congodb'
  /** Whether the server refuses a write that breaks a unique index. */
  uniqueIndexes: boolean
  stop(): Promise<void>
}

const PROBE_TIMEOUT_MS = 2000

/**
 * The server of `MONGODB_URL`, or a fresh in-process CongoDB when it is unset; `null` (after a
 * warning) when `MONGODB_URL` is unreachable outside CI. Under CI that throws.
 */
export async function startMongoTestServer(): Promise<MongoTestServer | null> {
  const configured = process.env['MONGODB_URL']
  if (configured) {
    try {
      const uniqueIndexes = await probeUniqueIndexes(configured)
      return { url: configured, kind: 'mongodb', uniqueIndexes, stop: async () => {} }
    } catch (error) {
      const message = `MongoDB at MONGODB_URL unreachable: ${(error as Error).message}`
      if (underCi) throw new Error(`${message} (CI is set, so this fails instead of skipping)`)
      console.warn(`skipping: ${message}`)
      return null
    }
  }
  repairCongoDb()
  const server = await listenOnFreePort()
  const url = `mongodb://127.0.0.1:${server.port}/?directConnection=true`
  return { url, kind: 'congodb', uniqueIndexes: await probeUniqueIndexes(url), stop: () => server.stop() }
}

/**
 * A database name of its own for one store, on any server.
 *
 * @example
 * ```ts
 * const db = client.db(scratchDatabaseName())
 * ```
 */
export function scratchDatabaseName(): string {
  return uniqueName('fu_mongo')
}

/** Tries a unique index: creates one, inserts a duplicate, and drops the scratch database. */
async function probeUniqueIndexes(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: PROBE_TIMEOUT_MS })
  try {
    await client.connect()
    const db = client.db(scratchDatabaseName())
    try {
      const probe = db.collection('probe')
      await probe.createIndex({ key: 1 }, { unique: true })
      await probe.insertOne({ key: 'same' })
      const duplicate = await probe.insertOne({ key: 'same' }).then(
        () => false,
        (error: unknown) => (error as { code?: unknown }).code === 11000,
      )
      return duplicate
    } finally {
      await db.dropDatabase()
    }
  } finally {
    await client.close()
  }
}

async function listenOnFreePort(): Promise<CongoServer> {
  for (let attempt = 0; ; attempt++) {
    const server = new CongoServer({ host: '127.0.0.1', port: await freePort() })
    try {
      await server.start()
      return server
    } catch (error) {
      // Another process took the port between the probe and the start.
      if ((error as { code?: unknown }).code !== 'EADDRINUSE' || attempt >= 5) throw error
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('the probe socket has no port'))
      })
    })
  })
}

type StoredDocument = Record<string, unknown> & { _id: unknown }
type DocumentMap = Map<string, StoredDocument>

let repaired = false

/** Applies the repairs described above, once per process. */
function repairCongoDb(): void {
  if (repaired) return
  repaired = true
  const { Binary, ObjectId } = plugins.bson

  // Documents are keyed by `_id.toHexString()`, which only ObjectIds have. The storage gets a
  // key of any id's type and value instead; index builds (which call the method directly) get
  // one for binary ids. Neither can collide with an ObjectId's 24 hex digits.
  const keyOf = (id: unknown): string => {
    if (id instanceof ObjectId) return id.toHexString()
    if (id instanceof Binary) return `binary:${id.sub_type}:${id.toString('hex')}`
    return `${typeof id}:${JSON.stringify(id)}`
  }
  const binary = Binary.prototype as unknown as { toHexString?: () => string }
  binary.toHexString ??= function (this: unknown): string {
    return keyOf(this)
  }
  const storage = MemoryStorageAdapter.prototype
  const collectionOf = (adapter: unknown, dbName: string, collName: string): DocumentMap =>
    (adapter as { ensureCollection(db: string, coll: string): DocumentMap }).ensureCollection(dbName, collName)

  // Keep the `_id` the client sent, of any type, as MongoDB does.
  storage.insertOne = async function (dbName, collName, document) {
    const collection = collectionOf(this, dbName, collName)
    const stored: StoredDocument = { ...document, _id: document['_id'] ?? new ObjectId() }
    const key = keyOf(stored._id)
    if (collection.has(key)) throw new Error(`Duplicate key error: _id ${key}`)
    collection.set(key, stored)
    return stored as never
  }
  storage.findById = async function (dbName, collName, id) {
    return (collectionOf(this, dbName, collName).get(keyOf(id)) ?? null) as never
  }
  storage.updateById = async function (dbName, collName, id, document) {
    const collection = collectionOf(this, dbName, collName)
    if (!collection.has(keyOf(id))) return false
    collection.set(keyOf(id), document as StoredDocument)
    return true
  }
  storage.deleteById = async function (dbName, collName, id) {
    return collectionOf(this, dbName, collName).delete(keyOf(id))
  }

  // BSON values other than ObjectId, Date and Timestamp were cloned key by key into plain
  // objects; an update never changes a binary value in place, so it can share them.
  const engine = UpdateEngine as unknown as { deepClone(value: unknown): unknown }
  const deepClone = engine.deepClone
  engine.deepClone = function (this: unknown, value: unknown): unknown {
    return value instanceof Binary ? value : deepClone.call(this, value)
  }

  // The only partial filter the adapter uses keeps the documents whose key is a string: the
  // build skips those whose key is missing or null, which is what CongoDB's `sparse` skips.
  const indexes = IndexEngine.prototype as unknown as { createIndex(key: unknown, options?: Record<string, unknown>): Promise<string> }
  const createIndex = indexes.createIndex
  indexes.createIndex = function (this: unknown, key, options) {
    const partial = options?.['partialFilterExpression'] !== undefined
    return createIndex.call(this, key, partial ? { ...options, sparse: true } : options)
  }
}
