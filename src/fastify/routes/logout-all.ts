/**
 * `POST {prefix}/logout-all`: "log out everywhere". Every access and refresh token of the
 * authenticated user stops working at once, on every backend and, with shared revocation
 * state, on every instance; the token of this very request included. Like logout, any
 * backend's token authorizes it, and it answers as this route's transport answers a logout
 * (204, with clearing cookies on a cookie backend).
 */
import type { FastifyInstance } from 'fastify'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { sendTransportResponse, type RoutesContext } from '../context.ts'
import { ErrorResponse } from '../schemas.ts'

/** Registers `POST /logout-all` on a backend's route plugin. */
export function registerLogoutAllRoute(
  app: FastifyInstance,
  context: RoutesContext,
  backend: AuthenticationBackend,
  options: { refreshRoute: string | undefined; requiresVerification: boolean },
): void {
  app.post('/logout-all', {
    schema: {
      operationId: `auth:${backend.name}.logout_all`,
      tags: [`auth:${backend.name}`],
      summary: 'Log out everywhere: end every access and refresh token of the current user',
      security: [{ [backend.name]: [] }],
      response: { 401: ErrorResponse, 403: ErrorResponse },
    },
    // The address limit first: a flood costs no token check.
    onRequest: [...context.security.routeHooks('refresh').onRequest, context.currentUser({ active: true, verified: options.requiresVerification })],
  }, async (request, reply) => {
    await context.manager.revokeAllTokens(request.user)
    context.manager.audit.emit({ type: 'logout.all', user_id: request.user.id, data: { backend: backend.name } }, request)
    return sendTransportResponse(reply, backend.logoutResponse({ refreshRoute: options.refreshRoute }))
  })
}
