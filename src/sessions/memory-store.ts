/**
 * Sessions in this process's memory: for tests and single-process development, beside the
 * other memory stores. A restart forgets them, as it forgets the memory stores' tokens.
 */
import type { SessionRecord, SessionRotation, SessionStore } from './store.ts'

/**
 * @example
 * fastifyUsers({ db, backends, manager, sessions: { store: new MemorySessionStore() } })
 */
export class MemorySessionStore implements SessionStore {
  readonly #rows = new Map<string, SessionRecord>()

  async create(session: SessionRecord): Promise<void> {
    this.#rows.set(session.id, { ...session })
  }

  async list(userId: string): Promise<SessionRecord[]> {
    return [...this.#rows.values()].filter((row) => row.userId === userId).map((row) => ({ ...row }))
  }

  async get(userId: string, id: string): Promise<SessionRecord | null> {
    const row = this.#rows.get(id)
    return row === undefined || row.userId !== userId ? null : { ...row }
  }

  async rotate(userId: string, familyId: string, rotation: SessionRotation): Promise<void> {
    for (const row of this.#rows.values()) if (row.userId === userId && row.familyId === familyId) Object.assign(row, rotation)
  }

  async touch(userId: string, accessTokenHash: string, at: number): Promise<void> {
    for (const row of this.#rows.values()) if (row.userId === userId && row.accessTokenHash === accessTokenHash) row.lastUsedAt = at
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (this.#rows.get(id)?.userId !== userId) return false
    return this.#rows.delete(id)
  }

  async deleteByAccessToken(userId: string, accessTokenHash: string): Promise<void> {
    this.#deleteWhere((row) => row.userId === userId && row.accessTokenHash === accessTokenHash)
  }

  async deleteFamily(userId: string, familyId: string): Promise<void> {
    this.#deleteWhere((row) => row.userId === userId && row.familyId === familyId)
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    this.#deleteWhere((row) => row.userId === userId && row.accessTokenHash !== keepAccessTokenHash)
  }

  async deleteExpired(now: number): Promise<void> {
    this.#deleteWhere((row) => row.expiresAt !== null && row.expiresAt <= now)
  }

  #deleteWhere(predicate: (row: SessionRecord) => boolean): void {
    for (const [id, row] of this.#rows) if (predicate(row)) this.#rows.delete(id)
  }
}
