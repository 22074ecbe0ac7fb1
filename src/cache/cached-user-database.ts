/**
 * The user database with `get` read through an `AuthCache`: the lookup of every authenticated
 * request. Each write that can change an authentication decision (any update: active,
 * verified, superuser, password, email; a deletion) forgets the user here and on the other
 * instances before it resolves, even when it fails, since a failed write may have committed.
 * The optional capabilities of the database (listing, roles, bans) are kept; the display
 * reads (`getForDisplay`, `listUsers`) pass through uncached, to wherever the database reads
 * them (a read replica, maybe).
 */
import type { UserDatabase } from '../db/types.ts'
import { hasUserBans, type UserBanStorage } from '../db/user-bans.ts'
import { isUserListing, type UserListing } from '../db/user-listing.ts'
import { hasUserRoles, type UserRoleStorage } from '../db/user-roles.ts'
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
  const cached: UserDatabase<U> = {
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
    ...(db.getForDisplay === undefined ? {} : { getForDisplay: (id: string) => db.getForDisplay!(id) }),
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
  // What the database can do besides, it still does through the cache: none of it is in what
  // `get` returns (a ban deactivates the user through `update`, which forgets it above).
  if (isUserListing<U>(db)) Object.assign(cached, { listUsers: db.listUsers.bind(db) } satisfies UserListing<U>)
  if (hasUserRoles<U>(db)) Object.assign(cached, { getRoles: db.getRoles.bind(db), setRoles: db.setRoles.bind(db) } satisfies UserRoleStorage<U>)
  if (hasUserBans<U>(db)) Object.assign(cached, { getBan: db.getBan.bind(db), setBan: db.setBan.bind(db) } satisfies UserBanStorage<U>)
  return cached
}
