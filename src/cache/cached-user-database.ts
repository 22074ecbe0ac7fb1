/**
 * The user database with `get` and `getRoles` read through an `AuthCache`: the lookups of every
 * authenticated request (`/users/me` answers the roles, the role guards check them). Each write
 * that can change an authentication decision (any update: active, verified, superuser,
 * password, email; a role change; a deletion) forgets what it changed here and on the other
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
import { rolesKey, userKey, type AuthCache, type CachedRoles } from './auth-cache.ts'

/**
 * @example
 * fastifyUsers({ db: cachedUserDatabase(store.users, cache), backends, manager })
 */
export function cachedUserDatabase<U extends UserRecord>(db: UserDatabase<U>, cache: AuthCache): UserDatabase<U> {
  const written = <T>(write: Promise<T>, ...keys: string[]) => forgetting(cache, write, keys)
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
    update: (user, data) => written(db.update(user, data), userKey(user.id)),
    updatePassword: (user, expected, hashed) => written(db.updatePassword(user, expected, hashed), userKey(user.id)),
    delete: (user) => written(db.delete(user), userKey(user.id), rolesKey(user.id)),
    listOAuthAccounts: (user) => db.listOAuthAccounts(user),
    addOAuthAccount: (user, account) => db.addOAuthAccount(user, account),
    updateOAuthAccount: (account, data) => db.updateOAuthAccount(account, data),
    removeOAuthAccount: (user, account) => db.removeOAuthAccount(user, account),
  }
  // What the database can do besides, it still does: the roles through the cache, the rest
  // uncached, as none of it is in what `get` returns (a ban deactivates the user through
  // `update`, which forgets it above).
  if (isUserListing<U>(db)) Object.assign(cached, { listUsers: db.listUsers.bind(db) } satisfies UserListing<U>)
  if (hasUserRoles<U>(db)) Object.assign(cached, cachedRoles(db, cache) satisfies UserRoleStorage<U>)
  if (hasUserBans<U>(db)) Object.assign(cached, { getBan: db.getBan.bind(db), setBan: db.setBan.bind(db) } satisfies UserBanStorage<U>)
  return cached
}

function cachedRoles<U extends UserRecord>(db: UserRoleStorage<U>, cache: AuthCache): UserRoleStorage<U> {
  return {
    async getRoles(user) {
      const key = rolesKey(user.id)
      const cached = cache.get<CachedRoles>(key)
      if (cached !== undefined) return [...cached.roles]
      const sequence = cache.sequence
      const roles = await db.getRoles(user)
      cache.set(key, { roles: [...roles] }, sequence)
      return roles
    },
    setRoles: (user, roles) => forgetting(cache, db.setRoles(user, roles), [rolesKey(user.id)]),
  }
}

/** The write's outcome, once `keys` are forgotten everywhere, even when it failed: it may have committed. */
async function forgetting<T>(cache: AuthCache, write: Promise<T>, keys: string[]): Promise<T> {
  try {
    return await write
  } finally {
    await cache.invalidate(...keys)
  }
}
