/**
 * `AccessTokenDatabase` over a MongoDB collection laid out as Beanie's `BeanieBaseAccessToken`
 * (CONTRACT §16.3): `{_id: ObjectId, token, user_id, created_at}`, `token` under a unique index,
 * `user_id` the user's BSON UUID, `created_at` a BSON date (milliseconds, UTC).
 */
import type { Collection } from 'mongodb'
import type { AccessTokenDatabase, AccessTokenRecord } from '../types.ts'
import { uuidString, uuidValue } from './ids.ts'
import { withoutDocumentValues } from './server-error.ts'

/**
 * The access tokens of one MongoDB collection. Obtain it from `mongoUserDatabase`, which also
 * creates the indexes.
 */
export class MongoAccessTokenDatabase implements AccessTokenDatabase {
  readonly #tokens: Collection

  constructor(tokens: Collection) {
    this.#tokens = tokens
  }

  async getByToken(token: string, maxAgeSeconds?: number | null): Promise<AccessTokenRecord | null> {
    if (typeof token !== 'string') return null
    const filter: Record<string, unknown> = { token: { $eq: token } }
    if (maxAgeSeconds !== undefined && maxAgeSeconds !== null) {
      filter['created_at'] = { $gte: new Date(Date.now() - maxAgeSeconds * 1000) }
    }
    const document = await this.#tokens.findOne(filter)
    // Exact comparison: a collection created with a case-insensitive default collation would
    // match another token.
    if (document === null || document['token'] !== token) return null
    const userId = uuidString(document['user_id'])
    const createdAt: unknown = document['created_at']
    if (userId === null || !(createdAt instanceof Date)) return null
    return { token, user_id: userId, created_at: createdAt }
  }

  async create(record: AccessTokenRecord): Promise<AccessTokenRecord> {
    const userId = uuidValue(record.user_id)
    if (typeof record.token !== 'string' || userId === null) {
      throw new TypeError('an access token needs a token and a user UUID')
    }
    try {
      await this.#tokens.insertOne({ token: record.token, user_id: userId, created_at: record.created_at })
    } catch (error) {
      // A token taken already is refused by the unique index, whose message quotes the token.
      throw withoutDocumentValues(error)
    }
    return { ...record }
  }

  async delete(token: string): Promise<void> {
    if (typeof token !== 'string') return
    await this.#tokens.deleteOne({ token: { $eq: token } })
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const id = uuidValue(userId)
    if (id === null) return 0
    const result = await this.#tokens.deleteMany({ user_id: { $eq: id } })
    return result.deletedCount
  }
}
