/** Used magic links in this process's memory: for tests and single-process development only. */
import type { MagicLinkStore } from './store.ts'

/**
 * @example
 * const magicLink = { store: new MemoryMagicLinkStore(), send }
 */
export class MemoryMagicLinkStore implements MagicLinkStore {
  readonly #used = new Map<string, number>()

  async consume(linkId: string, expiresAt: number, now: number): Promise<boolean> {
    for (const [id, expiry] of this.#used) if (expiry < now) this.#used.delete(id)
    if (this.#used.has(linkId)) return false
    this.#used.set(linkId, expiresAt)
    return true
  }
}
