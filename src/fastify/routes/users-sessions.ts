/**
 * Sessions on the users routes (issue 15, docs/sessions.md), with `usersRoutes({ sessions:
 * true })` and the `sessions` option of fastifyUsers: `GET /me/sessions` lists the current
 * user's live sessions, `DELETE /me/sessions/{session_id}` ends one; superusers do the same for
 * any user at `GET /{id}/sessions` and `DELETE /{id}/sessions/{session_id}`. A session that is
 * not the user's is a 404, like one that does not exist. The guards (and the 404 of an unknown
 * user) run in `onRequest`, before any body is read.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { endSession } from '../../authentication/session-ending.ts'
import { ConfigurationError, NotFoundError } from '../../errors.ts'
import type { SessionRecord } from '../../sessions/store.ts'
import type { Sessions } from '../../sessions/sessions.ts'
import type { RoutesContext } from '../context.ts'
import type { CurrentUserHook } from '../guard.ts'
import { ErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'
import { SessionParams, UserSessionList, UserSessionParams } from '../session-schemas.ts'

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
type RouteCommon = { tags: string[]; security: Array<Record<string, string[]>> }

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

/**
 * The routes, to register on the users plugin's scope; the configuration is checked now.
 *
 * @throws ConfigurationError `SESSIONS_NOT_CONFIGURED` without the `sessions` option of fastifyUsers.
 */
export function sessionRoutes(
  context: RoutesContext,
  activeUser: CurrentUserHook,
  loadTarget: Hook,
): (app: FastifyInstance, common: RouteCommon) => Promise<void> {
  const sessions: Sessions | null = context.sessions
  if (sessions === null) {
    throw new ConfigurationError('SESSIONS_NOT_CONFIGURED', 'usersRoutes({ sessions: true }) needs the sessions option of fastifyUsers')
  }

  async function list(userId: string, request: FastifyRequest) {
    const token = request.authentication?.token ?? null
    const found = await sessions!.list(userId)
    return { items: found.map((session: SessionRecord) => ({
      id: session.id,
      created_at: iso(session.createdAt),
      last_used_at: iso(session.lastUsedAt),
      expires_at: session.expiresAt === null ? null : iso(session.expiresAt),
      user_agent: session.userAgent,
      client_address: session.clientAddress,
      current: sessions!.isCurrent(session, token),
    })) }
  }

  async function end(userId: string, sessionId: string, request: FastifyRequest): Promise<void> {
    if (!(await endSession(sessions!, context.backends, userId, sessionId))) throw new NotFoundError()
    context.manager.audit.emit({ type: 'session.revoked', user_id: userId, data: { session_id: sessionId } }, request)
  }

  return async (scope, common) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    const listResponse = { 200: UserSessionList, 401: ErrorResponse, 403: ErrorResponse }
    app.get('/me/sessions', {
      schema: { ...common, operationId: 'users:current_user_sessions', summary: "The current user's live sessions", response: listResponse },
      onRequest: activeUser,
    }, async (request) => list(request.user.id, request))

    app.get('/:id/sessions', {
      schema: {
        ...common, operationId: 'users:user_sessions', summary: "A user's live sessions (superuser)", params: Type.Object({ id: Type.String() }),
        response: { ...listResponse, 404: ErrorResponse },
      },
      onRequest: loadTarget,
    }, async (request) => list(request.targetUser!.id, request))

    // Fastify would parse a DELETE's body, and answer a malformed one 422.
    await app.register(async function endSessionRoutes(deleteScope: FastifyInstance) {
      ignoreBodies(deleteScope)
      const typed = deleteScope.withTypeProvider<TypeBoxTypeProvider>()
      const ended = { 204: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse }
      typed.delete('/me/sessions/:session_id', {
        schema: { ...common, operationId: 'users:end_current_user_session', summary: 'End one of the current user\'s sessions', params: SessionParams, response: ended },
        onRequest: activeUser,
      }, async (request, reply) => {
        await end(request.user.id, request.params.session_id, request)
        return reply.code(204).send(null)
      })
      typed.delete('/:id/sessions/:session_id', {
        schema: { ...common, operationId: 'users:end_user_session', summary: "End one of a user's sessions (superuser)", params: UserSessionParams, response: ended },
        onRequest: loadTarget,
      }, async (request, reply) => {
        await end(request.targetUser!.id, request.params.session_id, request)
        return reply.code(204).send(null)
      })
    })
  }
}
