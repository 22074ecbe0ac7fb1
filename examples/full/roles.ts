/**
 * The example's roles (issue 15): what each grants, in code; the database stores who holds
 * which. Superusers assign them in the admin console (/admin) or with `PUT /users/{id}/roles`,
 * and a route asks for them with `currentUser({ roles })` or `currentUser({ permissions })`.
 */
import { defineRoles } from 'fastify-users'

export const exampleRoles = defineRoles({
  admin: ['users:read', 'users:write'],
  support: ['users:read'],
  editor: ['posts:read', 'posts:write'],
  reader: ['posts:read'],
})
