/**
 * Revocation state in this process's memory. It is the JWT strategy's default only so that a
 * single-process application gets working logouts with no setup: with several instances
 * (processes, containers, serverless copies) a logout on one is NOT seen by the others, and a
 * restart forgets every logout. Anything beyond one long-lived process needs a shared store
 * (`RedisRevocationStore`, `KyselyRevocationStore`).
 */
import type { RevocationState, RevocationStore } from './store.ts'

/** Sweep expired denylist entries after this many denials, so memory tracks live tokens only. */
const SWEEP_EVERY = 256

/**
 * @example
 * const strategy = new JwtStrategy({ secret, lifetimeSeconds: 900, revocation: new MemoryRevocationStore() })
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly #generations = new Map<string, { generation: number; kept: string | null }>()
  /** Token key → expiry in Unix seconds (`Infinity` for none). */
  readonly #denied = new Map<string, number>()
  #sinceSweep = 0

  async check(userId: string, tokenKey: string): Promise<RevocationState> {
    const entry = this.#generations.get(userId)
    const expiresAt = this.#denied.get(tokenKey) ?? 0
    return {
      generation: entry?.generation ?? 0,
      kept: entry?.kept ?? null,
      denied: expiresAt > nowSeconds(),
    }
  }

  async generation(userId: string): Promise<number> {
    return this.#generations.get(userId)?.generation ?? 0
  }

  async bump(userId: string, keep: string | null = null): Promise<void> {
    const generation = (this.#generations.get(userId)?.generation ?? 0) + 1
    this.#generations.set(userId, { generation, kept: keep })
  }

  async deny(tokenKey: string, expiresAt: number | null): Promise<void> {
    this.#denied.set(tokenKey, expiresAt ?? Infinity)
    if (++this.#sinceSweep >= SWEEP_EVERY) {
      this.#sinceSweep = 0
      const now = nowSeconds()
      for (const [key, expiry] of this.#denied) if (expiry <= now) this.#denied.delete(key)
    }
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

let processDefault: MemoryRevocationStore | null = null

/**
 * The store a JWT strategy uses when it is given none: one per process, shared by every such
 * strategy (two strategies with one secret read each other's tokens, so they must share their
 * logouts). Its first use warns, once, that logouts stay in this process.
 *
 * @example
 * const revocation = options.revocation ?? processRevocationStore()
 */
export function processRevocationStore(): MemoryRevocationStore {
  if (processDefault === null) {
    processDefault = new MemoryRevocationStore()
    process.emitWarning(
      'JWT logouts are kept in this process only: other instances accept a logged-out token, and a restart ' +
        'forgets every logout. Pass a shared store: new JwtStrategy({ ..., revocation: new RedisRevocationStore(...) ' +
        'or new KyselyRevocationStore(...) }).',
      { code: 'FASTIFY_USERS_MEMORY_REVOCATION' },
    )
  }
  return processDefault
}
