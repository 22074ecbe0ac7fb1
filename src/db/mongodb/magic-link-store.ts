/**
 * Used magic links (src/magic-link/store.ts) in MongoDB, collection `fastify_users_magic_link`:
 * `{_id: link id, expires_at}`. `consume` is one insert under the `_id` index, so one use
 * wins; the TTL index `migrate()` makes deletes the expired ones.
 */
import type { Collection, Db } from 'mongodb'
import type { MagicLinkStore } from '../../magic-link/store.ts'
import { duplicateKey } from './duplicate-key.ts'

export const MAGIC_LINK_COLLECTION = 'fastify_users_magic_link'

export interface MongoMagicLinkStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const magicLink = { store: new MongoMagicLinkStore({ db: store.db }), send }
 */
export class MongoMagicLinkStore implements MagicLinkStore {
  readonly #links: Collection<{ _id: string; expires_at: Date }>

  constructor(options: MongoMagicLinkStoreOptions) {
    this.#links = options.db.collection(MAGIC_LINK_COLLECTION)
  }

  async consume(linkId: string, expiresAt: number): Promise<boolean> {
    try {
      await this.#links.insertOne({ _id: linkId, expires_at: new Date(expiresAt * 1000) })
      return true
    } catch (error) {
      if (duplicateKey(error) !== null) return false
      throw error
    }
  }
}
