/**
 * Passkeys (src/passkeys/store.ts) in MongoDB. Collection `fastify_users_passkey` holds one
 * document per credential, keyed by the credential id (`_id`), so that a credential registers
 * once under the index every server enforces: `{_id, id, user_id, public_key (binary),
 * counter, transports, device_type, backed_up, name, created_at, last_used_at}`, times in Unix
 * seconds; `migrate()` indexes `id` and `user_id`. A login's counter is one conditional update.
 * Collection `fastify_users_passkey_challenge` holds the challenges answered, `{_id, expires_at}`,
 * consumed by one insert under `_id`; a TTL index deletes the expired ones.
 */
import { Binary, type Collection, type Db } from 'mongodb'
import type { PasskeyRecord, PasskeyStore } from '../../passkeys/store.ts'
import { parseDeviceType } from '../../passkeys/record-codec.ts'
import { duplicateKey } from './duplicate-key.ts'

export const PASSKEY_COLLECTION = 'fastify_users_passkey'
export const PASSKEY_CHALLENGE_COLLECTION = 'fastify_users_passkey_challenge'

interface PasskeyDocument {
  _id: string
  id: string
  user_id: string
  public_key: Binary
  counter: number
  transports: string[]
  device_type: string
  backed_up: boolean
  name: string
  created_at: number
  last_used_at: number | null
}

export interface MongoPasskeyStoreOptions {
  /** The users database (`store.db` of a MongoDB user store), prepared by `migrate()`. */
  db: Db
}

/**
 * @example
 * const passkeys = { store: new MongoPasskeyStore({ db: store.db }), rpID, rpName, origins }
 */
export class MongoPasskeyStore implements PasskeyStore {
  readonly #passkeys: Collection<PasskeyDocument>
  readonly #challenges: Collection<{ _id: string; expires_at: Date }>

  constructor(options: MongoPasskeyStoreOptions) {
    this.#passkeys = options.db.collection<PasskeyDocument>(PASSKEY_COLLECTION)
    this.#challenges = options.db.collection(PASSKEY_CHALLENGE_COLLECTION)
  }

  async create(record: PasskeyRecord): Promise<boolean> {
    try {
      await this.#passkeys.insertOne({
        _id: record.credentialId,
        id: record.id,
        user_id: record.userId,
        public_key: new Binary(record.publicKey),
        counter: record.counter,
        transports: [...record.transports],
        device_type: record.deviceType,
        backed_up: record.backedUp,
        name: record.name,
        created_at: record.createdAt,
        last_used_at: record.lastUsedAt,
      })
      return true
    } catch (error) {
      if (duplicateKey(error) !== null) return false
      throw error
    }
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const document = await this.#passkeys.findOne({ _id: { $eq: credentialId } })
    return document === null ? null : toRecord(document)
  }

  async list(userId: string): Promise<PasskeyRecord[]> {
    const documents = await this.#passkeys.find({ user_id: { $eq: userId } }).sort({ created_at: 1, id: 1 }).toArray()
    return documents.map(toRecord)
  }

  async recordUse(credentialId: string, expected: number, next: number, usedAt: number): Promise<boolean> {
    const result = await this.#passkeys.updateOne({ _id: { $eq: credentialId }, counter: { $eq: expected } }, { $set: { counter: next, last_used_at: usedAt } })
    return result.matchedCount === 1
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const result = await this.#passkeys.updateOne({ id: { $eq: id }, user_id: { $eq: userId } }, { $set: { name } })
    return result.matchedCount === 1
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.#passkeys.deleteOne({ id: { $eq: id }, user_id: { $eq: userId } })
    return result.deletedCount === 1
  }

  async deleteAll(userId: string): Promise<void> {
    await this.#passkeys.deleteMany({ user_id: { $eq: userId } })
  }

  async consumeChallenge(challenge: string, expiresAt: number): Promise<boolean> {
    try {
      await this.#challenges.insertOne({ _id: challenge, expires_at: new Date(expiresAt * 1000) })
      return true
    } catch (error) {
      if (duplicateKey(error) !== null) return false
      throw error
    }
  }
}

function toRecord(document: PasskeyDocument): PasskeyRecord {
  return {
    id: document.id,
    userId: document.user_id,
    credentialId: document._id,
    publicKey: new Uint8Array(document.public_key.buffer),
    counter: Number(document.counter),
    transports: Array.isArray(document.transports) ? document.transports.filter((item) => typeof item === 'string') : [],
    deviceType: parseDeviceType(document.device_type),
    backedUp: document.backed_up === true,
    name: document.name,
    createdAt: Number(document.created_at),
    lastUsedAt: document.last_used_at == null ? null : Number(document.last_used_at),
  }
}
