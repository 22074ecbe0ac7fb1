/**
 * Users routes (CONTRACT §5.5): `GET|PATCH /me` for the current user, `GET|PATCH|DELETE /{id}`
 * for superusers; and issue 15's, each off unless asked for: the list (users-list.ts), roles
 * (users-roles.ts), bans (users-ban.ts). The guard, the superuser check and the user lookup all run in `onRequest`,
 * before the body is read: a non-superuser gets 403 whatever the id or body, and a superuser
 * 404 for an unknown or malformed id before any 422. GET and DELETE ignore any body, as FastAPI
 * does.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { NotFoundError } from '../../errors.ts'
import type { UserUpdateInput } from '../../manager.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'
import { userListRoute } from './users-list.ts'
import { banRoutes } from './users-ban.ts'
import { currentUserBody, currentUserSchema, registerRoleRoutes } from './users-roles.ts'

export interface UsersRoutesOptions {
  /** Only verified users may use these routes (403 otherwise). */
  requiresVerification?: boolean
  /**
   * Adds `GET /` (`GET /users`): superusers list and search users (routes/users-list.ts). Off
   * by default: FastAPI Users has no such route. Needs a user database with `listUsers`.
   */
  list?: boolean
  /**
   * Adds `GET|PUT|DELETE /{id}/ban`: superusers ban users (routes/users-ban.ts). Off by
   * default. Needs a user database with `getBan`/`setBan`.
   */
  bans?: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The user a `/users/{id}` route acts on. */
    targetUser?: User
  }
}

const IdParams = Type.Object({ id: Type.String() })

export function usersRoutes(context: RoutesContext, options: UsersRoutesOptions = {}): FastifyPluginAsync {
  const { manager, schemas } = context
  const verified = options.requiresVerification ?? false
  const activeUser = context.currentUser({ active: true, verified })
  const superuser = context.currentUser({ active: true, verified, superuser: true })
  const security = context.backends.map((backend) => ({ [backend.name]: [] }))
  const listRoute = options.list === true ? userListRoute(context, superuser) : null
  const banRoute = options.bans === true ? banRoutes(context, loadTarget) : null

  async function loadTarget(request: FastifyRequest, reply: FastifyReply) {
    await superuser(request, reply)
    if (reply.sent) return reply
    const user = await manager.get((request.params as { id: string }).id)
    if (!user) throw new NotFoundError()
    request.targetUser = user
  }

  return async function usersPlugin(app: FastifyInstance) {
    prepareScope(app)
    const common = { tags: ['users'], security }
    listRoute?.(app, common)

    app.get('/me', {
      schema: {
        ...common, operationId: 'users:current_user', summary: 'The current user',
        response: { 200: currentUserSchema(context), 401: ErrorResponse, 403: ErrorResponse },
      },
      onRequest: activeUser,
    }, async (request) => currentUserBody(context, request.user))
    registerRoleRoutes(app, context, loadTarget, common)
    await banRoute?.(app, common)

    app.patch('/me', {
      schema: {
        ...common,
        operationId: 'users:patch_current_user',
        summary: 'Update the current user (privileged fields are ignored)',
        body: schemas.updateSelf,
        response: { 200: schemas.read, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 422: ErrorResponse },
      },
      onRequest: activeUser,
    }, async (request) => manager.update(request.user, request.body as UserUpdateInput, {
      safe: true,
      request,
      sessionToken: request.authentication?.token,
    }))

    app.get('/:id', {
      schema: {
        ...common,
        operationId: 'users:user',
        summary: 'A user, by id (superuser)',
        params: IdParams,
        response: { 200: schemas.read, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      onRequest: loadTarget,
    }, async (request) => request.targetUser)

    app.patch('/:id', {
      schema: {
        ...common,
        operationId: 'users:patch_user',
        summary: 'Update a user, privileged fields included (superuser)',
        params: IdParams,
        body: schemas.update,
        response: {
          200: schemas.read, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse,
        },
      },
      onRequest: loadTarget,
    }, async (request) => manager.update(request.targetUser!, request.body as UserUpdateInput, { safe: false, request }))

    // Fastify never reads a GET's body; a DELETE's, it would parse, and answer a malformed one 422.
    await app.register(async function deleteUserRoute(scope: FastifyInstance) {
      ignoreBodies(scope)
      scope.delete('/:id', {
        schema: {
          ...common,
          operationId: 'users:delete_user',
          summary: 'Delete a user (superuser)',
          params: IdParams,
          response: { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
        },
        onRequest: loadTarget,
      }, async (request, reply) => {
        await manager.delete(request.targetUser!, request)
        return reply.code(204).send()
      })
    })
  }
}
