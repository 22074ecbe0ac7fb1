/**
 * Refresh tokens in this process's memory: for tests and single-process development only. A
 * restart logs everybody out of their refresh tokens, and other instances cannot refresh a
 * token issued here; use `KyselyRefreshTokenStore` anywhere else.
 */
import type { FamilyMember, RefreshTokenRecord, RefreshTokenStore } from './store.ts'

/**
 * @example
 * const backend = new AuthenticationBackend({ name: 'jwt', transport, strategy,
 *   refresh: { store: new MemoryRefreshTokenStore(), lifetimeSeconds: 30 * 86400 } })
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #rows = new Map<string, RefreshTokenRecord>()

  async create(record: RefreshTokenRecord): Promise<boolean> {
    if (this.#rows.has(record.tokenHash)) return false
    this.#rows.set(record.tokenHash, { ...record })
    return true
  }

  async find(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const row = this.#rows.get(tokenHash)
    return row === undefined ? null : { ...row }
  }

  async consume(tokenHash: string, usedAt: number): Promise<boolean> {
    const row = this.#rows.get(tokenHash)
    if (row === undefined || row.usedAt !== null) return false
    row.usedAt = usedAt
    return true
  }

  async deleteFamily(familyId: string): Promise<FamilyMember[]> {
    const members: FamilyMember[] = []
    for (const row of this.#rows.values()) {
      if (row.familyId === familyId) members.push({ userId: row.userId, accessTokenKey: row.accessTokenKey })
    }
    this.#deleteWhere((row) => row.familyId === familyId)
    return members
  }

  async deleteFamiliesOfAccessToken(accessTokenHash: string): Promise<void> {
    const families = this.#familiesOf(accessTokenHash)
    this.#deleteWhere((row) => families.has(row.familyId))
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    const kept = keepAccessTokenHash === undefined ? new Set<string>() : this.#familiesOf(keepAccessTokenHash)
    this.#deleteWhere((row) => row.userId === userId && !kept.has(row.familyId))
  }

  async deleteExpired(now: number): Promise<void> {
    this.#deleteWhere((row) => row.expiresAt <= now)
  }

  #familiesOf(accessTokenHash: string): Set<string> {
    const families = new Set<string>()
    for (const row of this.#rows.values()) if (row.accessTokenHash === accessTokenHash) families.add(row.familyId)
    return families
  }

  #deleteWhere(predicate: (row: RefreshTokenRecord) => boolean): void {
    for (const [hash, row] of this.#rows) if (predicate(row)) this.#rows.delete(hash)
  }
}
