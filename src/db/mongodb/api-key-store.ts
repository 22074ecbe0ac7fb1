/**
 * API keys (src/api-keys/store.ts) in the MongoDB database the users live in, collection
 * `fastify_users_api_key`: `{_id: key id, user_id, name, secret_hash, permissions: [string],
 * created_at, expires_at, last_used_at}`. Keys are read by `_id`, listed by the `user_id` index
 * `migrate()` makes; the last-use record is one conditional update.
 */
import type { Collection, Db } from 'mongodb'
import type { ApiKeyRecord, ApiKeyStore } from '../../api-keys/store.ts'

export const API_KEY_COLLECTION = 'fastify_users_api_key'

interface ApiKeyDocument {
  _id: string
  user_id: string
  name: string
  secret_hash: string
  permissions: string[]
  created_at: Date
  expires_at: Date
  last_used_at: Date | null
}

export interface MongoApiKeyStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const store = await openMongoUserDatabase(process.env.DATABASE_URL!)
 * const apiKeys = { store: new MongoApiKeyStore({ db: store.db }) }
 */
export class MongoApiKeyStore implements ApiKeyStore {
  readonly #keys: Collection<ApiKeyDocument>

  constructor(options: MongoApiKeyStoreOptions) {
    this.#keys = options.db.collection<ApiKeyDocument>(API_KEY_COLLECTION)
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await this.#keys.insertOne({
      _id: record.id,
      user_id: record.userId,
      name: record.name,
      secret_hash: record.secretHash,
      permissions: [...record.permissions],
      created_at: record.createdAt,
      expires_at: record.expiresAt,
      last_used_at: record.lastUsedAt,
    })
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const document = await this.#keys.findOne({ _id: { $eq: id } })
    return document === null ? null : recordOf(document)
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    const documents = await this.#keys.find({ user_id: { $eq: userId } }).sort({ created_at: 1, _id: 1 }).toArray()
    return documents.map(recordOf)
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.#keys.deleteOne({ _id: { $eq: id }, user_id: { $eq: userId } })
    return result.deletedCount === 1
  }

  async deleteAll(userId: string): Promise<void> {
    await this.#keys.deleteMany({ user_id: { $eq: userId } })
  }

  async touch(id: string, at: Date, staleBefore: Date): Promise<void> {
    await this.#keys.updateOne(
      { _id: { $eq: id }, $or: [{ last_used_at: null }, { last_used_at: { $lt: staleBefore } }] },
      { $set: { last_used_at: at } },
    )
  }
}

function recordOf(document: ApiKeyDocument): ApiKeyRecord {
  return {
    id: document._id,
    userId: document.user_id,
    name: document.name,
    secretHash: document.secret_hash,
    permissions: Array.isArray(document.permissions) ? document.permissions.filter((p) => typeof p === 'string') : [],
    createdAt: document.created_at,
    expiresAt: document.expires_at,
    lastUsedAt: document.last_used_at ?? null,
  }
}
