/**
 * Magic links on the wire (opt-in, `magicLink` option). `POST /magic-link {email}` answers
 * `202 null` at once for every address and works after the response, as forgot-password
 * does, so that neither the answer nor its timing tells whether the address has an account.
 * `POST {backend prefix}/magic-link/login {token}` logs the link's user in on that backend,
 * as a password login would (two-factor included).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { ErrorCode, UsersError } from '../../errors.ts'
import type { MagicLinks } from '../../magic-link/magic-links.ts'
import { runAfterResponse } from '../after-response.ts'
import { prepareScope, sendNull, sendTransportResponse, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { EmailBody, ErrorResponse, NullResponse, ValidationErrorResponse } from '../schemas.ts'
import { CHALLENGE_RESPONSE, loggedIn, startSession } from './two-factor-login.ts'
import { sessionOptions } from '../session-recording.ts'

const MagicLinkRequestBody = Type.Object({ email: EmailBody.properties.email }, { title: 'MagicLinkRequest' })
const MagicLinkLoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }, { title: 'MagicLinkLogin' })

/** `POST /magic-link`: mails a login link. */
export function magicLinkRoutes(context: RoutesContext, links: MagicLinks<User>): FastifyPluginAsync {
  return async function magicLinkPlugin(app: FastifyInstance) {
    prepareScope(app, context)
    app.withTypeProvider<TypeBoxTypeProvider>().post('/magic-link', {
      schema: {
        operationId: 'magic-link:request',
        tags: ['auth'],
        summary: 'Mail a single-use login link to an address, if it may log in',
        body: MagicLinkRequestBody,
        response: { 202: NullResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('magic-link'),
    }, async (request, reply) => {
      const { email } = request.body
      // The seam of a per-address mail throttle: the mail goes out here, after the response.
      runAfterResponse(request, 'magic-link', () => links.request(email, request))
      return sendNull(reply, 202)
    })
  }
}

/** Registers `POST /magic-link/login` on a backend's auth routes. */
export function registerMagicLinkLoginRoute(
  app: FastifyInstance,
  context: RoutesContext,
  backend: AuthenticationBackend,
  options: { refreshRoute: string | undefined; requiresVerification: boolean },
): void {
  const links = context.magicLinks!
  const success = backend.transport.loginResponse('token')
  app.withTypeProvider<TypeBoxTypeProvider>().post('/magic-link/login', {
    schema: {
      operationId: `auth:${backend.name}.magic_link_login`,
      tags: [`auth:${backend.name}`],
      summary: 'Log in with the token of a magic link',
      body: MagicLinkLoginBody,
      response: {
        [success.statusCode]: success.body === undefined ? Type.Null() : Type.Unknown(),
        ...(context.twoFactor === null ? {} : CHALLENGE_RESPONSE),
        400: ErrorResponse,
        422: ValidationErrorResponse,
      },
    },
    ...context.security.routeHooks('magic-link'),
  }, async (request, reply) => {
    const user = await links.use(request.body.token, request)
    if (options.requiresVerification && !user.is_verified) throw new UsersError(ErrorCode.LOGIN_USER_NOT_VERIFIED)
    const response = await startSession(context, backend, user, { refreshRoute: options.refreshRoute, ...sessionOptions(context.sessions, request) })
    if (!response.challenged) await loggedIn(context, user, { method: 'magic_link', backend: backend.name }, request, reply)
    return sendTransportResponse(reply, response)
  })
}
