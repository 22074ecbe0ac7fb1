/**
 * Sessions (src/sessions/store.ts) in the MongoDB database the users live in, collection
 * `fastify_users_session`: `{_id: session id, user_id, backend, access_token_hash,
 * access_token_key, family_id, created_at, last_used_at, expires_at, user_agent,
 * client_address}`, the times as dates. Every filter names the user. A TTL index on
 * `expires_at` (made by `migrate()`) deletes expired sessions; those without an expiry stay
 * until ended.
 */
import type { Collection, Db } from 'mongodb'
import type { SessionRecord, SessionRotation, SessionStore } from '../../sessions/store.ts'

export const SESSION_COLLECTION = 'fastify_users_session'

interface SessionDocument {
  _id: string
  user_id: string
  backend: string
  access_token_hash: string
  access_token_key: string | null
  family_id: string | null
  created_at: Date
  last_used_at: Date
  expires_at: Date | null
  user_agent: string | null
  client_address: string | null
}

export interface MongoSessionStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const sessions = { store: new MongoSessionStore({ db: store.db }) }
 */
export class MongoSessionStore implements SessionStore {
  readonly #sessions: Collection<SessionDocument>

  constructor(options: MongoSessionStoreOptions) {
    this.#sessions = options.db.collection<SessionDocument>(SESSION_COLLECTION)
  }

  async create(session: SessionRecord): Promise<void> {
    await this.#sessions.insertOne({
      _id: session.id,
      user_id: session.userId,
      backend: session.backend,
      access_token_hash: session.accessTokenHash,
      access_token_key: session.accessTokenKey,
      family_id: session.familyId,
      created_at: fromSeconds(session.createdAt),
      last_used_at: fromSeconds(session.lastUsedAt),
      expires_at: session.expiresAt === null ? null : fromSeconds(session.expiresAt),
      user_agent: session.userAgent,
      client_address: session.clientAddress,
    })
  }

  async list(userId: string): Promise<SessionRecord[]> {
    return (await this.#sessions.find({ user_id: userId }).toArray()).map(toRecord)
  }

  async get(userId: string, id: string): Promise<SessionRecord | null> {
    const document = await this.#sessions.findOne({ _id: id, user_id: userId })
    return document === null ? null : toRecord(document)
  }

  async rotate(userId: string, familyId: string, rotation: SessionRotation): Promise<void> {
    await this.#sessions.updateMany({ user_id: userId, family_id: familyId }, {
      $set: {
        access_token_hash: rotation.accessTokenHash,
        access_token_key: rotation.accessTokenKey,
        last_used_at: fromSeconds(rotation.lastUsedAt),
        expires_at: rotation.expiresAt === null ? null : fromSeconds(rotation.expiresAt),
      },
    })
  }

  async touch(userId: string, accessTokenHash: string, at: number): Promise<void> {
    await this.#sessions.updateMany(
      { user_id: userId, access_token_hash: accessTokenHash, last_used_at: { $lt: fromSeconds(at) } },
      { $set: { last_used_at: fromSeconds(at) } },
    )
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.#sessions.deleteOne({ _id: id, user_id: userId })).deletedCount > 0
  }

  async deleteByAccessToken(userId: string, accessTokenHash: string): Promise<void> {
    await this.#sessions.deleteMany({ user_id: userId, access_token_hash: accessTokenHash })
  }

  async deleteFamily(userId: string, familyId: string): Promise<void> {
    await this.#sessions.deleteMany({ user_id: userId, family_id: familyId })
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    await this.#sessions.deleteMany(
      keepAccessTokenHash === undefined ? { user_id: userId } : { user_id: userId, access_token_hash: { $ne: keepAccessTokenHash } },
    )
  }

  async deleteExpired(now: number): Promise<void> {
    await this.#sessions.deleteMany({ expires_at: { $lte: fromSeconds(now) } })
  }
}

function toRecord(document: SessionDocument): SessionRecord {
  return {
    id: document._id,
    userId: document.user_id,
    backend: document.backend,
    accessTokenHash: document.access_token_hash,
    accessTokenKey: document.access_token_key ?? null,
    familyId: document.family_id ?? null,
    createdAt: toSeconds(document.created_at),
    lastUsedAt: toSeconds(document.last_used_at),
    expiresAt: document.expires_at == null ? null : toSeconds(document.expires_at),
    userAgent: document.user_agent ?? null,
    clientAddress: document.client_address ?? null,
  }
}

const fromSeconds = (seconds: number): Date => new Date(seconds * 1000)
const toSeconds = (date: Date): number => Math.floor(date.getTime() / 1000)
