/**
 * Roles on the users routes (issue 15), all present only with the `roles` option of
 * fastifyUsers: `GET /me` adds the user's `roles` (without the option the user object stays
 * FastAPI Users' exactly), and superusers read and replace a user's roles with
 * `GET|PUT /{id}/roles`. A role the configuration does not name is a 422 from the schema.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TObject } from 'typebox'
import { NotFoundError } from '../../errors.ts'
import type { RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import type { RoleAccess } from '../role-access.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
type RouteCommon = { tags: string[]; security: Array<Record<string, string[]>> }

const IdParams = Type.Object({ id: Type.String() })
const UserRoles = Type.Object({ roles: Type.Array(Type.String()) }, { title: 'UserRoles' })

/** The schema of `GET /me`: the read model, with `roles` when roles are configured. */
export function currentUserSchema(context: RoutesContext): TObject {
  if (context.roles === null) return context.schemas.read
  return Type.Object({ ...context.schemas.read.properties, roles: Type.Array(Type.String()) }, { title: 'UserReadWithRoles' })
}

/** What `GET /me` answers: the user, with its roles when roles are configured. */
export async function currentUserBody(context: RoutesContext, user: User): Promise<User | (User & { roles: string[] })> {
  if (context.roles === null) return user
  return { ...user, roles: await context.roles.storage.getRoles(user) }
}

/** Registers `GET|PUT /{id}/roles` when roles are configured; `loadTarget` is the superuser guard with the 404. */
export function registerRoleRoutes(app: FastifyInstance, context: RoutesContext, loadTarget: Hook, common: RouteCommon): void {
  const access: RoleAccess | null = context.roles
  if (access === null) return
  const RolesBody = Type.Object(
    {
      roles: Type.Array(Type.Union(access.names.map((name) => Type.Literal(name))), { uniqueItems: true, maxItems: access.names.length }),
    },
    { title: 'UserRolesUpdate' },
  )
  app.get('/:id/roles', {
    schema: {
      ...common,
      operationId: 'users:user_roles',
      summary: "A user's roles (superuser)",
      params: IdParams,
      response: { 200: UserRoles, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
    onRequest: loadTarget,
  }, async (request) => ({ roles: await access.storage.getRoles(request.targetUser!) }))

  app.withTypeProvider<TypeBoxTypeProvider>().put('/:id/roles', {
    schema: {
      ...common,
      operationId: 'users:set_user_roles',
      summary: "Replace a user's roles (superuser)",
      params: IdParams,
      body: RolesBody,
      response: { 200: UserRoles, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ValidationErrorResponse },
    },
    onRequest: loadTarget,
  }, async (request) => {
    const stored = await access.storage.setRoles(request.targetUser!, request.body.roles)
    if (stored === null) throw new NotFoundError()
    context.manager.audit.emit({ type: 'roles.changed', user_id: request.targetUser!.id, data: { roles: stored } }, request)
    return { roles: stored }
  })
}
