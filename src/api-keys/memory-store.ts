/**
 * API keys in this process's memory: for tests and single-process development only (a restart
 * forgets every key); use the store of the database adapter elsewhere.
 */
import type { ApiKeyRecord, ApiKeyStore } from './store.ts'

/**
 * @example
 * const apiKeys = { store: new MemoryApiKeyStore() }
 */
export class MemoryApiKeyStore implements ApiKeyStore {
  readonly #keys = new Map<string, ApiKeyRecord>()

  async create(record: ApiKeyRecord): Promise<void> {
    if (this.#keys.has(record.id)) throw new Error('duplicate API key id')
    this.#keys.set(record.id, copy(record))
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const record = this.#keys.get(id)
    return record === undefined ? null : copy(record)
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    return [...this.#keys.values()]
      .filter((record) => record.userId === userId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map(copy)
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (this.#keys.get(id)?.userId !== userId) return false
    return this.#keys.delete(id)
  }

  async deleteAll(userId: string): Promise<void> {
    for (const [id, record] of this.#keys) if (record.userId === userId) this.#keys.delete(id)
  }

  async touch(id: string, at: Date, staleBefore: Date): Promise<void> {
    const record = this.#keys.get(id)
    if (record === undefined) return
    if (record.lastUsedAt === null || record.lastUsedAt.getTime() < staleBefore.getTime()) record.lastUsedAt = new Date(at)
  }
}

function copy(record: ApiKeyRecord): ApiKeyRecord {
  return {
    ...record,
    permissions: [...record.permissions],
    createdAt: new Date(record.createdAt),
    expiresAt: new Date(record.expiresAt),
    lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt),
  }
}
