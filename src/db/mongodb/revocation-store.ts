/**
 * Revocation state of JWTs (src/revocation/store.ts) in the MongoDB database the users live
 * in, shared by every instance on it:
 *
 * - `fastify_users_token_generation`: `{_id: user UUID, generation, kept}`, one document per
 *   user ever logged out everywhere; `bump` is one upsert with `$inc`, atomic on the server;
 * - `fastify_users_token_denylist`: `{_id: token key, expires_at}`, `expires_at` a date or
 *   null (never). A TTL index (made by `migrate()`) deletes entries past their expiry; it runs
 *   about once a minute, so `check` compares the expiry too.
 *
 * `check` runs its two lookups concurrently.
 */
import type { Binary, Collection, Db } from 'mongodb'
import type { RevocationState, RevocationStore } from '../../revocation/store.ts'
import { duplicateKey } from './duplicate-key.ts'
import { uuidValue } from './ids.ts'

export const GENERATION_COLLECTION = 'fastify_users_token_generation'
export const DENYLIST_COLLECTION = 'fastify_users_token_denylist'

interface GenerationDocument {
  _id: Binary
  generation: number
  kept: string | null
}

interface DenialDocument {
  _id: string
  expires_at: Date | null
}

export interface MongoRevocationStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const store = await openMongoUserDatabase(process.env.DATABASE_URL!)
 * const strategy = new JwtStrategy({ secret, lifetimeSeconds: 900, revocation: new MongoRevocationStore({ db: store.db }) })
 */
export class MongoRevocationStore implements RevocationStore {
  readonly #generations: Collection<GenerationDocument>
  readonly #denylist: Collection<DenialDocument>

  constructor(options: MongoRevocationStoreOptions) {
    this.#generations = options.db.collection<GenerationDocument>(GENERATION_COLLECTION)
    this.#denylist = options.db.collection<DenialDocument>(DENYLIST_COLLECTION)
  }

  async check(userId: string, tokenKey: string): Promise<RevocationState> {
    const [entry, denied] = await Promise.all([this.#entry(userId), this.#isDenied(tokenKey)])
    return { generation: entry?.generation ?? 0, kept: entry?.kept ?? null, denied }
  }

  async generation(userId: string): Promise<number> {
    return (await this.#entry(userId))?.generation ?? 0
  }

  async bump(userId: string, keep: string | null = null): Promise<void> {
    const id = uuidValue(userId)
    if (id === null) throw new TypeError('a user id is a UUID')
    const bump = () =>
      this.#generations.updateOne({ _id: { $eq: id } }, { $inc: { generation: 1 }, $set: { kept: keep } }, { upsert: true })
    try {
      await bump()
    } catch (error) {
      // Two first bumps of one user raced to insert; MongoDB 4.2+ retries that itself, older
      // servers report it, and the document now exists.
      if (duplicateKey(error) === null) throw error
      await bump()
    }
  }

  async deny(tokenKey: string, expiresAt: number | null): Promise<void> {
    if (typeof tokenKey !== 'string') throw new TypeError('a token key is a string')
    const expires_at = expiresAt === null ? null : new Date(expiresAt * 1000)
    const deny = () => this.#denylist.updateOne({ _id: { $eq: tokenKey } }, { $set: { expires_at } }, { upsert: true })
    try {
      await deny()
    } catch (error) {
      if (duplicateKey(error) === null) throw error
      await deny()
    }
  }

  async #entry(userId: string): Promise<GenerationDocument | null> {
    const id = uuidValue(userId)
    return id === null ? null : this.#generations.findOne({ _id: { $eq: id } })
  }

  async #isDenied(tokenKey: string): Promise<boolean> {
    if (typeof tokenKey !== 'string') return false
    const entry = await this.#denylist.findOne({ _id: { $eq: tokenKey } })
    return entry !== null && (entry.expires_at === null || entry.expires_at.getTime() > Date.now())
  }
}
