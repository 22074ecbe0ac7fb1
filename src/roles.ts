/**
 * Roles and permissions (issue 15): the application names its roles and the permissions each
 * grants, in code; a user holds roles, stored per user by the database. `RoleOf` and
 * `PermissionOf` turn the configuration into the unions that type `currentUser({ roles })`,
 * `currentUser({ permissions })` and the roles routes.
 *
 * @example
 * ```ts
 * const roles = defineRoles({ admin: ['users:read', 'users:write'], editor: ['posts:write'] })
 * type Role = RoleOf<typeof roles>             // 'admin' | 'editor'
 * type Permission = PermissionOf<typeof roles> // 'users:read' | 'users:write' | 'posts:write'
 * ```
 */

/** Each role and the permissions it grants. */
export type RoleMap = Readonly<Record<string, readonly string[]>>

export type RoleOf<C extends RoleMap> = keyof C & string
export type PermissionOf<C extends RoleMap> = C[keyof C][number]

/** Keeps the literal names of a role map, for the unions (no `as const` needed). */
export function defineRoles<const C extends RoleMap>(roles: C): C {
  return roles
}

/** The permissions that these roles grant together; roles the map does not name grant none. */
export function permissionsOf(map: RoleMap, roles: readonly string[]): Set<string> {
  const granted = new Set<string>()
  for (const role of roles) {
    if (!Object.hasOwn(map, role)) continue
    for (const permission of map[role]!) granted.add(permission)
  }
  return granted
}
