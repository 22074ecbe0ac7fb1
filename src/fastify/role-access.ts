/**
 * Roles at the HTTP layer (issue 15): the configured role map with the database that stores
 * each user's roles, as the guard and the users routes use them. Built once by the plugin, and
 * only when the application configures roles: without them nothing about roles is on the wire.
 */
import type { UserDatabase } from '../db/types.ts'
import { hasUserRoles, type UserRoleStorage } from '../db/user-roles.ts'
import { ConfigurationError } from '../errors.ts'
import { permissionsOf, type RoleMap } from '../roles.ts'
import type { User } from './request.ts'

export interface RoleAccess {
  readonly map: RoleMap
  readonly names: readonly string[]
  readonly storage: UserRoleStorage<User>
}

/**
 * @throws ConfigurationError `ROLES_UNSUPPORTED` when the user database does not store roles,
 * `ROLES_INVALID` for a role map without roles.
 */
export function createRoleAccess(map: RoleMap | undefined, db: UserDatabase<User>): RoleAccess | null {
  if (map === undefined) return null
  const names = Object.keys(map)
  if (names.length === 0) throw new ConfigurationError('ROLES_INVALID', 'the roles option names no role')
  if (!hasUserRoles<User>(db)) {
    throw new ConfigurationError('ROLES_UNSUPPORTED', 'the roles option needs a user database that stores roles (getRoles, setRoles)')
  }
  return { map, names, storage: db }
}

/**
 * Whether the user holds one of `roles` (when given) and every one of `permissions` (when
 * given), through the roles the map knows; one lookup of the user's roles.
 *
 * With `scope` (the permissions of the API key the request came with) the user may do only
 * what both its roles now grant and the key allows: a key never outlives its owner's demotion.
 * A role then counts only when the key allows everything the role grants.
 */
export async function isGranted(
  access: RoleAccess,
  user: User,
  roles: readonly string[] | undefined,
  permissions: readonly string[] | undefined,
  scope?: readonly string[],
): Promise<boolean> {
  const held = (await access.storage.getRoles(user)).filter((role) => Object.hasOwn(access.map, role))
  const allowed = (permission: string) => scope === undefined || scope.includes(permission)
  if (roles !== undefined && !roles.some((role) => held.includes(role) && access.map[role]!.every(allowed))) return false
  if (permissions !== undefined) {
    const granted = permissionsOf(access.map, held)
    if (!permissions.every((permission) => granted.has(permission) && allowed(permission))) return false
  }
  return true
}

/** What the user may do now: the permissions its roles grant. */
export async function heldPermissions(access: RoleAccess | null, user: User): Promise<Set<string>> {
  if (access === null) return new Set()
  return permissionsOf(access.map, await access.storage.getRoles(user))
}
