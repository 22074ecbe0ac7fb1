/**
 * The login side of two-factor. A login (password or OAuth) of a user with two-factor on does
 * not start a session: it answers 202 `{"detail": "TWO_FACTOR_REQUIRED", "challenge_token",
 * "expires_in"}`, and `POST {backend prefix}/2fa/verify` with the challenge and a code answers
 * what the login would have: the backend's own login response, refresh token included.
 * Without the `twoFactor` option, or for a user without it, logins answer as before.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { LoginFailureReason, LoginMethod } from '../../audit/events.ts'
import { Type } from 'typebox'
import type { AuthenticationBackend, SessionOptions } from '../../authentication/backend.ts'
import type { TransportResponse } from '../../authentication/transport.ts'
import { ErrorCode, UsersError } from '../../errors.ts'
import { sendTransportResponse, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { TwoFactorChallengeResponse, TwoFactorVerifyBody } from './two-factor-schemas.ts'
import { sessionOptions } from '../session-recording.ts'

/**
 * A session for `user` on `backend`, or, when the user has two-factor on, the challenge.
 *
 * @example
 * return sendTransportResponse(reply, await startSession(context, backend, user, { refreshRoute }))
 */
export async function startSession(
  context: RoutesContext,
  backend: AuthenticationBackend,
  user: User,
  options: SessionOptions,
): Promise<TransportResponse & { challenged: boolean }> {
  const twoFactor = context.twoFactor
  if (twoFactor !== null && (await twoFactor.isEnabled(user))) {
    const challenge = await twoFactor.challenge(user, backend.name)
    return { statusCode: 202, body: { detail: 'TWO_FACTOR_REQUIRED', ...challenge }, challenged: true }
  }
  return { ...(await backend.login(user, options)), challenged: false }
}

/** A login is complete (not merely challenged): audited as `login.succeeded`, then `onAfterLogin`. */
export async function loggedIn(
  context: RoutesContext,
  user: User,
  data: { method: LoginMethod; backend: string },
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  context.manager.audit.emit({ type: 'login.succeeded', user_id: user.id, data }, request)
  await context.manager.hooks.onAfterLogin?.(user, request, reply)
}

/** The 202 answer of a login route, for its OpenAPI description. */
export const CHALLENGE_RESPONSE = { 202: TwoFactorChallengeResponse }

/** Registers `POST /2fa/verify` on a backend's auth routes. */
export function registerTwoFactorVerifyRoute(
  app: FastifyInstance,
  context: RoutesContext,
  backend: AuthenticationBackend,
  options: { refreshRoute: string | undefined; requiresVerification: boolean },
): void {
  const twoFactor = context.twoFactor!
  const success = backend.transport.loginResponse('token')
  app.withTypeProvider<TypeBoxTypeProvider>().post('/2fa/verify', {
    schema: {
      operationId: `auth:${backend.name}.2fa_verify`,
      tags: [`auth:${backend.name}`],
      summary: 'Complete a two-factor login with its challenge and a TOTP or recovery code',
      body: TwoFactorVerifyBody,
      response: {
        [success.statusCode]: success.body === undefined ? Type.Null() : Type.Unknown(),
        400: ErrorResponse,
        422: ValidationErrorResponse,
        429: ErrorResponse,
      },
    },
    ...context.security.routeHooks('two-factor'),
  }, async (request, reply) => {
    const body = request.body
    const audit = context.manager.audit
    const refused = (user: { id: string }, reason: LoginFailureReason) => {
      audit.emit({ type: 'login.failed', user_id: user.id, data: { reason, method: 'two_factor', backend: backend.name } }, request)
    }
    const user = (await twoFactor.verify(body.challenge_token, body.code, backend.name, context.manager, { onRefused: refused })) as User
    if (options.requiresVerification && !user.is_verified) {
      refused(user, 'unverified')
      throw new UsersError(ErrorCode.LOGIN_USER_NOT_VERIFIED)
    }
    const response = await backend.login(user, { refreshRoute: options.refreshRoute, ...sessionOptions(context.sessions, request) })
    await loggedIn(context, user, { method: 'two_factor', backend: backend.name }, request, reply)
    return sendTransportResponse(reply, response)
  })
}
