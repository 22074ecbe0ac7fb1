/**
 * The database strategy's token table with `getByToken` (read by every request of the strategy)
 * through an `AuthCache`. A cached row is the row as read; its age is checked against the
 * lifetime on every hit with the clock, as the database would. Only rows that exist are cached,
 * so unknown tokens cannot fill the cache.
 *
 * `delete` (logout, a session ended, a refresh reuse) forgets its token, and `deleteAllForUser`
 * (log out everywhere, a password change or reset) every cached token of the user, here and on
 * the other instances, before they resolve, even when they fail (a failed write may have
 * committed). Messages name a token by the SHA-256 of its stored form, never by the token.
 */
import type { AccessTokenDatabase, AccessTokenRecord } from '../db/types.ts'
import { sha256Base64url, type TokenStorage } from '../opaque-token.ts'
import { tokenKey, userTokensKey, type AuthCache } from './auth-cache.ts'

export interface CachedAccessTokenOptions {
  /** How the rows hold tokens: the strategy's `tokenStorage` (default `sha256`). */
  tokenStorage?: TokenStorage
}

/**
 * @example
 * new DatabaseStrategy({ accessTokenDb: cachedAccessTokenDatabase(store.accessTokens, cache), lifetimeSeconds: 3600 })
 */
export function cachedAccessTokenDatabase(db: AccessTokenDatabase, cache: AuthCache, options: CachedAccessTokenOptions = {}): AccessTokenDatabase {
  // A `sha256` row's token is already a hash; a `plain` one is the token, a secret.
  const keyOf = options.tokenStorage === 'plain' ? (token: string) => tokenKey(sha256Base64url(token)) : tokenKey
  const written = async <T>(key: string, write: Promise<T>): Promise<T> => {
    try {
      return await write
    } finally {
      await cache.invalidate(key)
    }
  }
  return {
    async getByToken(token, maxAgeSeconds) {
      const key = keyOf(token)
      const cached = cache.get<AccessTokenRecord>(key)
      if (cached !== undefined) {
        const tooOld = maxAgeSeconds !== undefined && maxAgeSeconds !== null && cached.created_at.getTime() < Date.now() - maxAgeSeconds * 1000
        return tooOld ? null : { ...cached }
      }
      const sequence = cache.sequence
      const record = await db.getByToken(token, maxAgeSeconds)
      if (record !== null) cache.setToken(key, { ...record }, sequence)
      return record
    },
    create: (record) => db.create(record),
    delete: (token) => written(keyOf(token), db.delete(token)),
    deleteAllForUser: (userId) => written(userTokensKey(userId), db.deleteAllForUser(userId)),
  }
}
