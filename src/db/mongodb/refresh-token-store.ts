/**
 * Refresh tokens (src/refresh/store.ts) in the MongoDB database the users live in, collection
 * `fastify_users_refresh_token`: `{_id: token hash, family_id, user_id, access_token_hash,
 * created_at, expires_at, used_at}`, the times as dates. `consume` is one conditional update of
 * one document, so two instances refreshing the same token at once cannot both win. A TTL index
 * on `expires_at` (made by `migrate()`) deletes expired tokens.
 */
import type { Collection, Db } from 'mongodb'
import type { FamilyMember, RefreshTokenRecord, RefreshTokenStore } from '../../refresh/store.ts'
import { duplicateKey } from './duplicate-key.ts'

export const REFRESH_TOKEN_COLLECTION = 'fastify_users_refresh_token'

interface RefreshTokenDocument {
  _id: string
  family_id: string
  user_id: string
  access_token_hash: string
  /** Absent in documents written before it was kept. */
  access_token_key?: string | null
  created_at: Date
  expires_at: Date
  used_at: Date | null
}

export interface MongoRefreshTokenStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const store = await openMongoUserDatabase(process.env.DATABASE_URL!)
 * const refresh = { store: new MongoRefreshTokenStore({ db: store.db }), lifetimeSeconds: 30 * 86400 }
 */
export class MongoRefreshTokenStore implements RefreshTokenStore {
  readonly #tokens: Collection<RefreshTokenDocument>

  constructor(options: MongoRefreshTokenStoreOptions) {
    this.#tokens = options.db.collection<RefreshTokenDocument>(REFRESH_TOKEN_COLLECTION)
  }

  async create(record: RefreshTokenRecord): Promise<boolean> {
    try {
      await this.#insert(record)
      return true
    } catch (error) {
      if (duplicateKey(error) === null) throw error
      return false
    }
  }

  async #insert(record: RefreshTokenRecord): Promise<void> {
    await this.#tokens.insertOne({
      _id: record.tokenHash,
      family_id: record.familyId,
      user_id: record.userId,
      access_token_hash: record.accessTokenHash,
      access_token_key: record.accessTokenKey,
      created_at: fromSeconds(record.createdAt),
      expires_at: fromSeconds(record.expiresAt),
      used_at: record.usedAt === null ? null : fromSeconds(record.usedAt),
    })
  }

  async find(tokenHash: string): Promise<RefreshTokenRecord | null> {
    if (typeof tokenHash !== 'string') return null
    const document = await this.#tokens.findOne({ _id: { $eq: tokenHash } })
    if (document === null) return null
    return {
      tokenHash: document._id,
      familyId: document.family_id,
      userId: document.user_id,
      accessTokenHash: document.access_token_hash,
      accessTokenKey: document.access_token_key ?? null,
      createdAt: toSeconds(document.created_at),
      expiresAt: toSeconds(document.expires_at),
      usedAt: document.used_at === null ? null : toSeconds(document.used_at),
    }
  }

  async consume(tokenHash: string, usedAt: number): Promise<boolean> {
    if (typeof tokenHash !== 'string') return false
    const result = await this.#tokens.updateOne(
      { _id: { $eq: tokenHash }, used_at: { $eq: null } },
      { $set: { used_at: fromSeconds(usedAt) } },
    )
    return result.modifiedCount === 1
  }

  async deleteFamily(familyId: string): Promise<FamilyMember[]> {
    if (typeof familyId !== 'string') return []
    const documents = await this.#tokens
      .find({ family_id: { $eq: familyId } }, { projection: { user_id: 1, access_token_key: 1 } })
      .toArray()
    await this.#tokens.deleteMany({ family_id: { $eq: familyId } })
    return documents.map((document) => ({ userId: document.user_id, accessTokenKey: document.access_token_key ?? null }))
  }

  async deleteFamiliesOfAccessToken(accessTokenHash: string): Promise<void> {
    const families = await this.#familiesOf(accessTokenHash)
    if (families.length > 0) await this.#tokens.deleteMany({ family_id: { $in: families } })
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    if (typeof userId !== 'string') return
    const kept = keepAccessTokenHash === undefined ? [] : await this.#familiesOf(keepAccessTokenHash)
    await this.#tokens.deleteMany({ user_id: { $eq: userId }, family_id: { $nin: kept } })
  }

  async deleteExpired(now: number): Promise<void> {
    await this.#tokens.deleteMany({ expires_at: { $lte: fromSeconds(now) } })
  }

  async #familiesOf(accessTokenHash: string): Promise<string[]> {
    if (typeof accessTokenHash !== 'string') return []
    const documents = await this.#tokens
      .find({ access_token_hash: { $eq: accessTokenHash } }, { projection: { family_id: 1 } })
      .toArray()
    return [...new Set(documents.map((document) => document.family_id))]
  }
}

function fromSeconds(seconds: number): Date {
  return new Date(seconds * 1000)
}

function toSeconds(date: Date): number {
  return date.getTime() / 1000
}
