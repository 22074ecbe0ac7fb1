/**
 * The roles a user holds (issue 15), stored per user: an optional interface beside
 * `UserDatabase`, which every adapter of the library implements (SQL: the `user.roles` column,
 * a JSON array; MongoDB: a `roles` array in the user document). The roles stay out of the
 * user record, so that the user objects FastAPI Users clients compare do not change.
 */
import type { UserRecord } from '../user.ts'

export interface UserRoleStorage<U extends UserRecord = UserRecord> {
  /** The user's roles, sorted; none for a user without any, or one that does not exist. */
  getRoles(user: U): Promise<string[]>
  /** Replaces the user's roles; returns them as stored (sorted), or `null` when the user is gone. */
  setRoles(user: U, roles: readonly string[]): Promise<string[] | null>
}

/** Whether a user database also stores roles. */
export function hasUserRoles<U extends UserRecord>(db: object): db is UserRoleStorage<U> {
  const candidate = db as Partial<UserRoleStorage<U>>
  return typeof candidate.getRoles === 'function' && typeof candidate.setRoles === 'function'
}

/** Roles as stored: each once, sorted, so that every adapter gives the same list. */
export function normalizeRoles(roles: readonly string[]): string[] {
  return [...new Set(roles)].sort()
}

/** The stored JSON text of a SQL `roles` column as roles; anything unreadable holds none. */
export function parseStoredRoles(value: unknown): string[] {
  if (typeof value !== 'string' || value === '') return []
  try {
    const parsed: unknown = JSON.parse(value)
    return Array.isArray(parsed) ? normalizeRoles(parsed.filter((role): role is string => typeof role === 'string')) : []
  } catch {
    return []
  }
}
