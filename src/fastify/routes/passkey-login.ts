/**
 * `POST {backend prefix}/passkey/login` (opt-in, `passkeys` option): completes a passkey
 * login on that backend, answering as its password login does (bearer 200 or cookie 204,
 * refresh token included). After the assertion verifies, an inactive user is refused as a
 * wrong password is (a banned one hears so, as at the password login: the passkey proved who
 * it is), so a credential's answer tells nothing about its account that a password would not.
 * An assertion with user verification is two factors already: it skips the TOTP challenge;
 * without it, a user with two-factor on gets the challenge, as after a password.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { checkLoginBan } from '../../ban.ts'
import { ErrorCode, UsersError } from '../../errors.ts'
import { sendTransportResponse, type RoutesContext } from '../context.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { PasskeyLoginBody } from './passkey-schemas.ts'
import { sessionOptions } from '../session-recording.ts'
import { CHALLENGE_RESPONSE, loggedIn, startSession } from './two-factor-login.ts'

/** Registers `POST /passkey/login` on a backend's auth routes. */
export function registerPasskeyLoginRoute(
  app: FastifyInstance,
  context: RoutesContext,
  backend: AuthenticationBackend,
  options: { refreshRoute: string | undefined; requiresVerification: boolean },
): void {
  const passkeys = context.passkeys!
  const success = backend.transport.loginResponse('token')
  app.withTypeProvider<TypeBoxTypeProvider>().post('/passkey/login', {
    schema: {
      operationId: `auth:${backend.name}.passkey_login`,
      tags: [`auth:${backend.name}`],
      summary: 'Log in with a passkey: the authenticator\'s answer to the login options',
      body: PasskeyLoginBody,
      response: {
        [success.statusCode]: success.body === undefined ? Type.Null() : Type.Unknown(),
        ...(context.twoFactor === null ? {} : CHALLENGE_RESPONSE),
        400: ErrorResponse,
        422: ValidationErrorResponse,
        429: ErrorResponse,
      },
    },
    ...context.security.routeHooks('passkey'),
  }, async (request, reply) => {
    const { challenge_token: token, credential } = request.body
    const login = await passkeys.authenticate(token, credential)
    let user = login.user
    if (!user.is_active && context.bans !== null) user = await checkLoginBan(context.manager, context.bans, user, request)
    if (!user.is_active) throw new UsersError(ErrorCode.LOGIN_BAD_CREDENTIALS)
    if (options.requiresVerification && !user.is_verified) throw new UsersError(ErrorCode.LOGIN_USER_NOT_VERIFIED)
    const session = { refreshRoute: options.refreshRoute, ...sessionOptions(context.sessions, request) }
    const response = login.userVerified
      ? { ...(await backend.login(user, session)), challenged: false }
      : await startSession(context, backend, user, session)
    if (!response.challenged) await loggedIn(context, user, { method: 'passkey', backend: backend.name }, request, reply)
    return sendTransportResponse(reply, response)
  })
}
