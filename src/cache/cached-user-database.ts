/**
 * The user database with `get` read through an `AuthCache`: the lookup of every authenticated
 * request. Each write that can change an authentication decision (any update: active,
 * verified, superuser, password, email; a deletion) forgets the user here and on the other
 * instances before it resolves, even when it fails, since a failed write may have committed.
 */
import type { UserDatabase } from '../db/types.ts'
import type { UserRecord } from '../user.ts'
import { userKey, type AuthCache } from './auth-cache.ts'

/**
 * @example
 * fastifyUsers({ db: cachedUserDatabase(store.users, cache), backends, manager })
 */
export function cachedUserDatabase<U extends UserRecord>(db: UserDatabase<U>, cache: AuthCache): UserDatabase<U> {
  const written = async <T>(id: string, write: Promise<T>): Promise<T> => {
    try {
      return await write
    } finally {
      await cache.invalidate(userKey(id))
    }
  }
  return {
    async get(id) {
      const key = userKey(id)
      const cached = cache.get<U>(key)
      // A copy: a caller that changes the user it got must not change the cached one.
      if (cached !== undefined) return { ...cached }
      const sequence = cache.sequence
      const user = await db.get(id)
      if (user !== null) cache.set(key, { ...user }, sequence)
      return user
    },
    getByEmail: (email) => db.getByEmail(email),
    ...(db.getByUsername === undefined ? {} : { getByUsername: (username: string) => db.getByUsername!(username) }),
    getByOAuthAccount: (oauthName, accountId) => db.getByOAuthAccount(oauthName, accountId),
    create: (data) => db.create(data),
    update: (user, data) => written(user.id, db.update(user, data)),
    updatePassword: (user, expected, hashed) => written(user.id, db.updatePassword(user, expected, hashed)),
    delete: (user) => written(user.id, db.delete(user)),
    listOAuthAccounts: (user) => db.listOAuthAccounts(user),
    addOAuthAccount: (user, account) => db.addOAuthAccount(user, account),
    updateOAuthAccount: (account, data) => db.updateOAuthAccount(account, data),
    removeOAuthAccount: (user, account) => db.removeOAuthAccount(user, account),
  }
}
