/**
 * A revocation store whose `check` (read by every JWT request) goes through an `AuthCache`:
 * the user's generation and kept key under one entry, each token's denial under another, so
 * one user's many tokens share the first. `bump` (log out everywhere, a password change or
 * reset, a refresh reuse) and `deny` (logout, a refresh reuse) forget what they change here
 * and on the other instances before they resolve. `generation`, read at login only, is not
 * cached.
 */
import type { RevocationState, RevocationStore } from '../revocation/store.ts'
import { deniedKey, generationKey, type AuthCache } from './auth-cache.ts'

interface Generation {
  generation: number
  kept: string | null
}

/**
 * @example
 * new JwtStrategy({ secret, lifetimeSeconds: 3600, revocation: cachedRevocationStore(store, cache) })
 */
export function cachedRevocationStore(store: RevocationStore, cache: AuthCache): RevocationStore {
  return {
    async check(userId, tokenKey): Promise<RevocationState> {
      const generation = cache.get<Generation>(generationKey(userId))
      const denied = cache.get<boolean>(deniedKey(tokenKey))
      if (generation !== undefined && denied !== undefined) return { ...generation, denied }
      const sequence = cache.sequence
      const state = await store.check(userId, tokenKey)
      cache.set(generationKey(userId), { generation: state.generation, kept: state.kept }, sequence)
      cache.set(deniedKey(tokenKey), state.denied, sequence)
      return state
    },
    generation: (userId) => store.generation(userId),
    async bump(userId, keep) {
      try {
        await store.bump(userId, keep)
      } finally {
        await cache.invalidate(generationKey(userId))
      }
    },
    async deny(tokenKey, expiresAt) {
      try {
        await store.deny(tokenKey, expiresAt)
      } finally {
        await cache.invalidate(deniedKey(tokenKey))
      }
    },
  }
}
