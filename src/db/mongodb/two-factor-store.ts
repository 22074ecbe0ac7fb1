/**
 * Two-factor state (src/two-factor/store.ts) in the MongoDB database the users live in,
 * collection `fastify_users_two_factor`: `{_id: user id, sealed_secret, enabled_at, last_step,
 * generation, recovery_codes: [hash]}`. The recovery codes live in the user's document, so
 * every use (a step, a code) is one conditional update of one document: atomic without a
 * transaction. The `_id` index is the only one needed, so `migrate()` has nothing to add.
 */
import type { Collection, Db } from 'mongodb'
import type { TwoFactorRecord, TwoFactorStore } from '../../two-factor/store.ts'
import { duplicateKey } from './duplicate-key.ts'

export const TWO_FACTOR_COLLECTION = 'fastify_users_two_factor'

interface TwoFactorDocument {
  _id: string
  sealed_secret: string
  enabled_at: Date | null
  last_step: number
  generation: number
  recovery_codes: string[]
}

export interface MongoTwoFactorStoreOptions {
  /** The users database (`store.db` of a MongoDB user store). */
  db: Db
}

/**
 * @example
 * const store = await openMongoUserDatabase(process.env.DATABASE_URL!)
 * const twoFactor = { store: new MongoTwoFactorStore({ db: store.db }), encryptionKey, issuer: 'Example' }
 */
export class MongoTwoFactorStore implements TwoFactorStore {
  readonly #records: Collection<TwoFactorDocument>

  constructor(options: MongoTwoFactorStoreOptions) {
    this.#records = options.db.collection<TwoFactorDocument>(TWO_FACTOR_COLLECTION)
  }

  async get(userId: string): Promise<TwoFactorRecord | null> {
    const document = await this.#records.findOne({ _id: { $eq: userId } })
    if (document === null) return null
    return {
      userId: document._id,
      sealedSecret: document.sealed_secret,
      enabledAt: document.enabled_at === null ? null : Math.floor(document.enabled_at.getTime() / 1000),
      lastStep: document.last_step,
      generation: document.generation,
    }
  }

  async enrol(userId: string, sealedSecret: string): Promise<boolean> {
    const replaced = await this.#records.updateOne(
      { _id: { $eq: userId }, enabled_at: null },
      { $set: { sealed_secret: sealedSecret, last_step: 0 } },
    )
    if (replaced.matchedCount === 1) return true
    try {
      await this.#records.insertOne({
        _id: userId, sealed_secret: sealedSecret, enabled_at: null, last_step: 0, generation: 0, recovery_codes: [],
      })
      return true
    } catch (error) {
      if (duplicateKey(error) !== null) return false
      throw error
    }
  }

  async enable(userId: string, sealedSecret: string, step: number, now: number): Promise<boolean> {
    const result = await this.#records.updateOne(
      { _id: { $eq: userId }, sealed_secret: { $eq: sealedSecret }, enabled_at: null },
      { $set: { enabled_at: new Date(now * 1000), last_step: step }, $inc: { generation: 1 } },
    )
    return result.modifiedCount === 1
  }

  async useStep(userId: string, generation: number, step: number): Promise<boolean> {
    const result = await this.#records.updateOne(
      { _id: { $eq: userId }, enabled_at: { $ne: null }, generation: { $eq: generation }, last_step: { $lt: step } },
      { $set: { last_step: step, generation: generation + 1 } },
    )
    return result.modifiedCount === 1
  }

  async useRecoveryCode(userId: string, generation: number, codeHash: string): Promise<boolean> {
    const result = await this.#records.updateOne(
      { _id: { $eq: userId }, enabled_at: { $ne: null }, generation: { $eq: generation }, recovery_codes: { $eq: codeHash } },
      { $pull: { recovery_codes: codeHash }, $set: { generation: generation + 1 } },
    )
    return result.modifiedCount === 1
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void> {
    await this.#records.updateOne({ _id: { $eq: userId } }, { $set: { recovery_codes: [...codeHashes] } })
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    const document = await this.#records.findOne({ _id: { $eq: userId } }, { projection: { recovery_codes: 1 } })
    return document?.recovery_codes.length ?? 0
  }

  async delete(userId: string): Promise<void> {
    await this.#records.deleteOne({ _id: { $eq: userId } })
  }
}
