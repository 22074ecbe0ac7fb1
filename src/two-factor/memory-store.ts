/**
 * Two-factor state in this process's memory: for tests and single-process development only
 * (a restart disables everybody's two-factor); use the store of the database adapter elsewhere.
 */
import type { TwoFactorRecord, TwoFactorStore } from './store.ts'

/**
 * @example
 * const twoFactor = { store: new MemoryTwoFactorStore(), encryptionKey, issuer: 'Example' }
 */
export class MemoryTwoFactorStore implements TwoFactorStore {
  readonly #records = new Map<string, TwoFactorRecord>()
  readonly #codes = new Map<string, Set<string>>()

  async get(userId: string): Promise<TwoFactorRecord | null> {
    const record = this.#records.get(userId)
    return record === undefined ? null : { ...record }
  }

  async enrol(userId: string, sealedSecret: string): Promise<boolean> {
    if (this.#records.get(userId)?.enabledAt != null) return false
    this.#records.set(userId, { userId, sealedSecret, enabledAt: null, lastStep: 0, generation: 0 })
    return true
  }

  async enable(userId: string, sealedSecret: string, step: number, now: number): Promise<boolean> {
    const record = this.#records.get(userId)
    if (record === undefined || record.enabledAt !== null || record.sealedSecret !== sealedSecret) return false
    Object.assign(record, { enabledAt: now, lastStep: step, generation: record.generation + 1 })
    return true
  }

  async useStep(userId: string, generation: number, step: number): Promise<boolean> {
    const record = this.#records.get(userId)
    if (record?.enabledAt == null || record.generation !== generation || record.lastStep >= step) return false
    Object.assign(record, { lastStep: step, generation: generation + 1 })
    return true
  }

  async useRecoveryCode(userId: string, generation: number, codeHash: string): Promise<boolean> {
    const record = this.#records.get(userId)
    const codes = this.#codes.get(userId)
    if (record?.enabledAt == null || record.generation !== generation || !codes?.has(codeHash)) return false
    codes.delete(codeHash)
    record.generation = generation + 1
    return true
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void> {
    this.#codes.set(userId, new Set(codeHashes))
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    return this.#codes.get(userId)?.size ?? 0
  }

  async delete(userId: string): Promise<void> {
    this.#records.delete(userId)
    this.#codes.delete(userId)
  }
}
