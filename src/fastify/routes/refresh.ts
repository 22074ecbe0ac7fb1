/**
 * Refresh tokens on the wire, for a backend with `refresh` options (see src/refresh/):
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
import type { TransportResponse } from '../../authentication/transport.ts'
import { refreshCarrier, type RefreshCarrier } from '../../refresh/carrier.ts'
import type { UserRecord } from '../../user.ts'
import { sendTransportResponse, type RoutesContext } from '../context.ts'
import { sendStatus } from '../errors.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'

const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1 }) })

/**
 * The refresh carrier of a backend's route plugin, or `null` without refresh tokens. The first
 * one of each backend is remembered in `context.refreshCarriers`: an OAuth login through the
 * backend hands out refresh tokens for this plugin's `/refresh` (whose path scopes the cookie).
 *
 * @example
 * const carrier = refreshCarrierOf(app, context, backend)
 */
export function refreshCarrierOf(app: FastifyInstance, context: RoutesContext, backend: AuthenticationBackend): RefreshCarrier | null {
  if (backend.refresh === null) return null
  const carrier = refreshCarrier(backend.transport, backend.refresh, `${app.prefix}/refresh`)
  if (!context.refreshCarriers.has(backend)) context.refreshCarriers.set(backend, carrier)
  return carrier
}

/**
 * The login response of `backend` for `user`: the access token, and a refresh token when
 * the backend has them.
 *
 * @example
 * return sendTransportResponse(reply, await issueTokens(backend, carrier, user))
 */
export async function issueTokens(
  backend: AuthenticationBackend,
  carrier: RefreshCarrier | null,
  user: UserRecord,
): Promise<TransportResponse> {
  const accessToken = await backend.strategy.writeToken(user)
  const response = backend.transport.loginResponse(accessToken)
  if (carrier === null || backend.refresh === null) return response
  return carrier.attach(response, await backend.refresh.issue(user.id, accessToken))
}

/**
 * Ends the refresh tokens issued with a logged-out access token, whichever backend issued them.
 *
 * @example
 * await endRefreshTokens(context.backends, token)
 */
export async function endRefreshTokens(backends: readonly AuthenticationBackend[], accessToken: string): Promise<void> {
  const seen = new Set<unknown>()
  for (const { refresh } of backends) {
    if (refresh === null || seen.has(refresh)) continue
    seen.add(refresh)
    await refresh.revokeByAccessToken(accessToken)
  }
}

/** Registers `POST /refresh` on a backend's route plugin. */
export function registerRefreshRoute(
  app: FastifyInstance,
  context: RoutesContext,
  backend: AuthenticationBackend,
  carrier: RefreshCarrier,
  options: { requiresVerification: boolean },
): void {
  const refresh = backend.refresh!
  const success = backend.transport.loginResponse('token')
  app.post('/refresh', {
    schema: {
      operationId: `auth:${backend.name}.refresh`,
      tags: [`auth:${backend.name}`],
      summary: 'Exchange a refresh token for a new access token and a new refresh token',
      ...(carrier.kind === 'body' ? { body: RefreshBody } : {}),
      response: {
        [success.statusCode]: success.body === undefined ? Type.Null() : Type.Unknown(),
        401: ErrorResponse,
        422: ValidationErrorResponse,
      },
    },
    ...context.security.routeHooks('refresh'),
  }, async (request, reply) => {
    const token = carrier.read(request, request.body)
    const found = token === null ? null : await refresh.check(token)
    if (found?.status !== 'valid') return sendStatus(reply, 401)
    const user = await context.manager.get(found.record.userId)
    if (!user || !user.is_active || (options.requiresVerification && !user.is_verified)) return sendStatus(reply, 401)
    const accessToken = await backend.strategy.writeToken(user)
    const next = await refresh.rotate(found.record, accessToken)
    if (next === null) {
      await backend.strategy.destroyToken(accessToken, user)
      return sendStatus(reply, 401)
    }
    return sendTransportResponse(reply, carrier.attach(backend.transport.loginResponse(accessToken), next))
  })
}
