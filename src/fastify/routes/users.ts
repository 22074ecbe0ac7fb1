/**
 * Users routes (CONTRACT §5.5): `GET|PATCH /me` for the current user, `GET|PATCH|DELETE /{id}`
 * for superusers; and issue 15's, each off unless asked for: the list (users-list.ts), roles
 * (users-roles.ts), bans (users-ban.ts), API keys (users-api-keys.ts), sessions
 * (users-sessions.ts), security events (users-events.ts). The guard, the superuser check and
 * the user lookup all run in `onRequest`,
 * before the body is read: a non-superuser gets 403 whatever the id or body, and a superuser
 * 404 for an unknown or malformed id before any 422. GET and DELETE ignore any body, as FastAPI
 * does. `GET /{id}` only displays, so it reads `getForDisplay` (a read replica, maybe); the
 * routes that write load their target from the primary.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { ErrorCode, NotFoundError, TooManyRequestsError, UsersError } from '../../errors.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'
import { updateCurrentUser } from './email-change.ts'
import { userEventsRoute } from './users-events.ts'
import { userListRoute } from './users-list.ts'
import { banRoutes } from './users-ban.ts'
import { apiKeyRoutes } from './users-api-keys.ts'
import { sessionRoutes } from './users-sessions.ts'
import { currentUserBody, currentUserSchema, registerRoleRoutes } from './users-roles.ts'

export interface UsersRoutesOptions {
  /** Only verified users may use these routes (403 otherwise). */
  requiresVerification?: boolean
  /**
   * `PATCH /me` must carry the user's `current_password` to change the password or the email
   * (400 `UPDATE_USER_INVALID_PASSWORD` otherwise). Default `false`: FastAPI Users clients never
   * send it. Whatever this option, a `current_password` that is sent is checked.
   */
  requireCurrentPassword?: boolean
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
  /**
   * Whether `GET /me` carries the user's `roles` when roles are configured. Default `true`;
   * `false` keeps the user object of FastAPI Users exactly, for its clients, while superusers
   * still read roles at `GET /{id}/roles`.
   */
  rolesInMe?: boolean
  /**
   * Adds `POST|GET /me/api-keys`, `DELETE /me/api-keys/{key_id}`, and for superusers
   * `GET /{id}/api-keys`, `DELETE /{id}/api-keys/{key_id}` (routes/users-api-keys.ts). Off by
   * default. Needs the `apiKeys` option of fastifyUsers.
   */
  apiKeys?: boolean
  /**
   * Adds `GET /me/sessions`, `DELETE /me/sessions/{session_id}` and, for superusers, `GET
   * /{id}/sessions`, `DELETE /{id}/sessions/{session_id}` (routes/users-sessions.ts,
   * docs/sessions.md). Off by default. Needs the `sessions` option of fastifyUsers.
   */
  sessions?: boolean
  /**
   * Adds `GET /{id}/events`: superusers read a user's security events (routes/users-events.ts,
   * docs/audit-log.md). Off by default. Needs the `audit.store` option of fastifyUsers.
   */
  events?: boolean
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
  const requireCurrentPassword = options.requireCurrentPassword ?? false
  const rolesInMe = options.rolesInMe ?? true
  const activeUser = context.currentUser({ active: true, verified })
  const superuser = context.currentUser({ active: true, verified, superuser: true })
  const security = context.backends.map((backend) => ({ [backend.name]: [] }))

  // A hook of every `/{id}` route, typed or not: the params were validated against IdParams.
  // The routes that write load their target from the primary; `GET /{id}` only displays it,
  // so it may read a replica (the superuser check itself always reads the primary).
  const targetLoader = (lookup: (id: string) => Promise<User | null>) =>
    async function loadTarget(request: FastifyRequest, reply: FastifyReply) {
      await superuser(request, reply)
      if (reply.sent) return reply
      const user = await lookup((request.params as Static<typeof IdParams>).id)
      if (!user) throw new NotFoundError()
      request.targetUser = user
    }
  const loadTarget = targetLoader((id) => manager.get(id))
  const loadDisplayedTarget = targetLoader((id) => manager.getForDisplay(id))
  const listRoute = options.list === true ? userListRoute(context, superuser) : null
  const banRoute = options.bans === true ? banRoutes(context, loadTarget) : null
  const apiKeyRoute = options.apiKeys === true ? apiKeyRoutes(context, activeUser, loadTarget) : null
  const sessionRoute = options.sessions === true ? sessionRoutes(context, activeUser, loadTarget) : null
  const eventsRoute = options.events === true ? userEventsRoute(context, superuser) : null

  return async function usersPlugin(scope: FastifyInstance) {
    prepareScope(scope, context)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    const common = { tags: ['users'], security }
    listRoute?.(app, common)
    eventsRoute?.(app, common)

    // Untyped: its response schema depends on whether roles are configured.
    scope.get('/me', {
      schema: {
        ...common, operationId: 'users:current_user', summary: 'The current user',
        response: { 200: rolesInMe ? currentUserSchema(context) : schemas.read, 401: ErrorResponse, 403: ErrorResponse },
      },
      onRequest: activeUser,
    }, async (request) => (rolesInMe ? currentUserBody(context, request.user) : request.user))
    registerRoleRoutes(scope, context, loadTarget, common)
    await banRoute?.(scope, common)
    await apiKeyRoute?.(scope, common)
    await sessionRoute?.(scope, common)

    app.patch('/me', {
      schema: {
        ...common,
        operationId: 'users:patch_current_user',
        summary: 'Update the current user (privileged fields are ignored)',
        body: schemas.updateSelf,
        response: { 200: schemas.read, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 422: ValidationErrorResponse },
      },
      onRequest: activeUser,
    }, async (request) => {
      const { current_password: currentPassword, ...changes } = request.body
      const sensitive = typeof changes.password === 'string' || changes.email !== undefined
      if (currentPassword === undefined && requireCurrentPassword && sensitive) {
        throw new UsersError(ErrorCode.UPDATE_USER_INVALID_PASSWORD, 'Current password is required')
      }
      if (currentPassword !== undefined) {
        // Counted as a login attempt: a stolen session must not become a password oracle.
        const check = await context.security.throttledPasswordCheck(request.user.email, () => manager.verifyPassword(request.user, currentPassword))
        if (!check.allowed) throw new TooManyRequestsError({ retryAfterSeconds: check.retryAfterSeconds })
        if (!check.verified) throw new UsersError(ErrorCode.UPDATE_USER_INVALID_PASSWORD, 'Current password is incorrect')
      }
      return updateCurrentUser(context, request, changes)
    })

    app.get('/:id', {
      schema: {
        ...common,
        operationId: 'users:user',
        summary: 'A user, by id (superuser)',
        params: IdParams,
        response: { 200: schemas.read, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      onRequest: loadDisplayedTarget,
    }, async (request) => request.targetUser)

    app.patch('/:id', {
      schema: {
        ...common,
        operationId: 'users:patch_user',
        summary: 'Update a user, privileged fields included (superuser)',
        params: IdParams,
        body: schemas.update,
        response: {
          200: schemas.read, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ValidationErrorResponse,
        },
      },
      onRequest: loadTarget,
    }, async (request) => {
      const updated = await manager.update(request.targetUser!, request.body, { safe: false, request })
      // The names of the keys sent, never their values: a password among them is only "password".
      const fields = Object.entries(request.body).filter(([, value]) => value !== undefined).map(([key]) => key)
      manager.audit.emit({ type: 'user.updated_by_superuser', user_id: updated.id, data: { fields } }, request)
      return updated
    })

    // Fastify never reads a GET's body; a DELETE's, it would parse, and answer a malformed one 422.
    await app.register(async function deleteUserRoute(deleteScope: FastifyInstance) {
      ignoreBodies(deleteScope)
      deleteScope.delete('/:id', {
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
