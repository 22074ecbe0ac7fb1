/** Passkeys in this process's memory: for tests and single-process development only. */
import type { PasskeyRecord, PasskeyStore } from './store.ts'

/**
 * @example
 * const passkeys = { store: new MemoryPasskeyStore(), rpID: 'localhost', rpName: 'Example', origins: ['http://localhost:8000'] }
 */
export class MemoryPasskeyStore implements PasskeyStore {
  readonly #byCredential = new Map<string, PasskeyRecord>()
  readonly #challenges = new Map<string, number>()

  async create(record: PasskeyRecord): Promise<boolean> {
    if (this.#byCredential.has(record.credentialId)) return false
    this.#byCredential.set(record.credentialId, copy(record))
    return true
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyRecord | null> {
    const record = this.#byCredential.get(credentialId)
    return record === undefined ? null : copy(record)
  }

  async list(userId: string): Promise<PasskeyRecord[]> {
    const records = [...this.#byCredential.values()].filter((record) => record.userId === userId)
    return records.sort((a, b) => a.createdAt - b.createdAt).map(copy)
  }

  async recordUse(credentialId: string, expected: number, next: number, usedAt: number): Promise<boolean> {
    const record = this.#byCredential.get(credentialId)
    if (record === undefined || record.counter !== expected) return false
    record.counter = next
    record.lastUsedAt = usedAt
    return true
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const record = this.#find(userId, id)
    if (record === undefined) return false
    record.name = name
    return true
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const record = this.#find(userId, id)
    return record !== undefined && this.#byCredential.delete(record.credentialId)
  }

  async deleteAll(userId: string): Promise<void> {
    for (const record of [...this.#byCredential.values()]) if (record.userId === userId) this.#byCredential.delete(record.credentialId)
  }

  async consumeChallenge(challenge: string, expiresAt: number, now: number): Promise<boolean> {
    for (const [key, expiry] of this.#challenges) if (expiry < now) this.#challenges.delete(key)
    if (this.#challenges.has(challenge)) return false
    this.#challenges.set(challenge, expiresAt)
    return true
  }

  #find(userId: string, id: string): PasskeyRecord | undefined {
    for (const record of this.#byCredential.values()) if (record.id === id && record.userId === userId) return record
    return undefined
  }
}

function copy(record: PasskeyRecord): PasskeyRecord {
  return { ...record, publicKey: new Uint8Array(record.publicKey), transports: [...record.transports] }
}
