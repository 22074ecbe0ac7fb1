/**
 * Refresh tokens on the wire, for a backend with `refresh` options (see src/refresh/; the
 * backend issues, rotates and ends them, src/authentication/backend.ts):
 *
 * - login answers as its transport does, plus the refresh token: a `refresh_token` body field
 *   (bearer) or a second cookie scoped to `{prefix}/refresh` (cookie);
 * - `POST {prefix}/refresh` takes the refresh token (body `{"refresh_token"}`, JSON or form, or
 *   the cookie), and answers like a login with a new access token and a new refresh token.
 *   An unknown, expired or reused token, or a user who may not log in, is 401 `Unauthorized`.
 *   A refused user keeps the refresh token: a deactivated user refreshes again once active;
 * - logout ends the refresh tokens issued with the logged-out access token, and a cookie
 *   backend's logout clears the refresh cookie too.
 *
 * Without `refresh` options nothing here runs and every response is FastAPI Users' own.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { sendTransportResponse, type RoutesContext } from '../context.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'

const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1 }) })

/**
 * The refresh route's path of a backend's route plugin, or `undefined` without refresh tokens.
 * The first one of each backend is remembered in `context.refreshRoutes`: an OAuth login through
 * the backend hands out refresh tokens for this plugin's `/refresh` (whose path scopes the cookie).
 *
 * @example
 * const refreshRoute = refreshRouteOf(app, context, backend)
 */
export function refreshRouteOf(app: FastifyInstance, context: RoutesContext, backend: AuthenticationBackend): string | undefined {
  if (backend.refresh === null) return undefined
  const path = `${app.prefix}/refresh`
  if (!context.refreshRoutes.has(backend)) context.refreshRoutes.set(backend, path)
  return path
}

/** Registers `POST /refresh` on a backend's route plugin. */
export function registerRefreshRoute(
  app: FastifyInstance,
  context: RoutesContext,
  backend: AuthenticationBackend,
  options: { refreshRoute: string; requiresVerification: boolean },
): void {
  const { refreshRoute, requiresVerification } = options
  const success = backend.transport.loginResponse('token')
  const accepts = (user: { is_active: boolean; is_verified: boolean }) => user.is_active && (!requiresVerification || user.is_verified)
  app.post('/refresh', {
    schema: {
      operationId: `auth:${backend.name}.refresh`,
      tags: [`auth:${backend.name}`],
      summary: 'Exchange a refresh token for a new access token and a new refresh token',
      ...(backend.refreshTravelsInCookie ? {} : { body: RefreshBody }),
      response: {
        [success.statusCode]: success.body === undefined ? Type.Null() : Type.Unknown(),
        401: ErrorResponse,
        422: ValidationErrorResponse,
      },
    },
    ...context.security.routeHooks('refresh'),
  }, async (request, reply) => {
    const token = backend.readRefreshToken(request, request.body, { refreshRoute })
    return sendTransportResponse(reply, await backend.exchangeRefreshToken(token, context.manager, { refreshRoute, accepts, sessions: context.sessions }))
  })
}
