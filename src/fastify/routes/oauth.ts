/**
 * OAuth login router (CONTRACT §5.6): `GET /authorize` and `GET /callback` of one provider
 * client and one authentication backend.
 *
 * The callback runs the flow's checks (state, CSRF cookie, single use; all before the code goes
 * to the provider), then the account logic (`oauthCallback`), refuses an inactive user with
 * `LOGIN_BAD_CREDENTIALS`, and answers as the backend's login does (bearer: 200 JSON; cookie:
 * 204 and `Set-Cookie`) after `onAfterLogin`. A backend with refresh tokens adds a refresh
 * token for its auth routes' `/refresh`, as a password login does (none when its auth routes
 * are not registered: the token would have no route). Every answer of the callback clears the
 * CSRF cookie. A provider that gives no email is `OAUTH_NOT_AVAILABLE_EMAIL`, as upstream; one
 * that cannot be reached is 502 `OAUTH_PROVIDER_UNAVAILABLE`. A form-POST provider (Apple) also
 * gets `POST /callback`, which sends the browser on to `GET /callback` (oauth-common.ts).
 *
 * A sign-in that would link, by its email, to a user whose email is not verified is refused
 * with `OAUTH_USER_NOT_VERIFIED` (account pre-hijacking), unless `takeOverUnverifiedUser`
 * (oauth/callback.ts).
 *
 * Every refusal of the callback is audited as `login.failed` (oauth-login-refusal.ts).
 */
import formbody from '@fastify/formbody'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { ErrorCode, FastifyUsersError, UsersError } from '../../errors.ts'
import { oauthCallback } from '../../oauth/callback.ts'
import type { OAuthClient } from '../../oauth/client.ts'
import { prepareScope, sendTransportResponse, type RoutesContext } from '../context.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { auditOAuthLoginRefusal, ownerOfRefusedEmail } from './oauth-login-refusal.ts'
import { loggedIn, startSession } from './two-factor-login.ts'
import { AuthorizeQuery, AuthorizeResponse, CallbackQuery, OAuthRouter, type OAuthRouteOptions } from './oauth-common.ts'
import { sessionOptions } from '../session-recording.ts'

export interface OAuthRoutesOptions extends OAuthRouteOptions {
  /** Link a provider account to the existing user with the same verified email. Default false. */
  associateByEmail?: boolean
  /** `is_verified` of the users the callback creates. Default false. */
  isVerifiedByDefault?: boolean
  /**
   * With `associateByEmail`, what becomes of a user of that email whose email is not verified:
   * refused with `OAUTH_USER_NOT_VERIFIED` (default), or taken over: verified, its password,
   * other provider links, sessions and tokens removed (oauth/callback.ts).
   */
  takeOverUnverifiedUser?: boolean
}

/**
 * The plugin of the login router; applications get it from `fastifyUsers(…).oauthRoutes()`.
 *
 * @example
 * app.register(oauthRoutes(context, google, bearer, { stateSecret: SECRET }), { prefix: '/auth/google' })
 */
export function oauthRoutes(
  context: RoutesContext,
  client: OAuthClient,
  backend: AuthenticationBackend,
  options: OAuthRoutesOptions,
): FastifyPluginAsync {
  const { manager } = context
  const associateByEmail = options.associateByEmail ?? false
  const isVerifiedByDefault = options.isVerifiedByDefault ?? false
  const takeOverUnverifiedUser = options.takeOverUnverifiedUser ?? false
  const router = new OAuthRouter(client, options)
  const login = backend.transport.loginResponse('token')
  if (router.frontendUrls !== null && login.body !== undefined) {
    throw new TypeError(`redirect mode needs a backend whose login sets a cookie; "${backend.name}" answers with a body`)
  }
  const name = `oauth:${client.name}.${backend.name}`
  const tags = [`auth:${client.name}`]

  return async function oauthPlugin(app: FastifyInstance) {
    prepareScope(app, context)

    app.get('/authorize', {
      schema: {
        operationId: `${name}.authorize`,
        tags,
        summary: `The ${client.name} authorization URL to send the browser to`,
        querystring: AuthorizeQuery,
        response: { 200: AuthorizeResponse, 400: ErrorResponse, 422: ValidationErrorResponse, 502: ErrorResponse },
      },
    }, (request, reply) => router.authorize(app, request, reply))

    if (client.responseMode === 'form_post') {
      await app.register(formbody)
      app.post('/callback', {
        schema: { operationId: `${name}.callback.form`, tags, summary: `Where ${client.name} posts the browser back: on to GET /callback`, response: { 303: Type.Null() } },
      }, (request, reply) => router.formPostCallback(app, request, reply))
    }

    app.get('/callback', {
      schema: {
        operationId: `${name}.callback`,
        tags,
        summary: `Where ${client.name} sends the browser back: log in, creating the user if needed`,
        querystring: CallbackQuery,
        response: router.frontendUrls === null
          ? { [login.statusCode]: login.body === undefined ? Type.Null() : Type.Unknown(), 400: ErrorResponse, 422: ValidationErrorResponse, 502: ErrorResponse }
          : { 302: Type.Null(), 422: ValidationErrorResponse },
      },
    }, async (request, reply) => {
      const refused = (error: FastifyUsersError, userId: string | null) => {
        auditOAuthLoginRefusal(manager.audit, error, { user_id: userId, provider: client.name, backend: backend.name }, request)
      }
      const done = await router.callback(app, request, reply, {
        link: async (account, emailVerified) => {
          let user
          try {
            user = await oauthCallback(manager, {
              ...account, emailVerified, associateByEmail, isVerifiedByDefault, takeOverUnverifiedUser, request,
            })
          } catch (error) {
            if (error instanceof FastifyUsersError) refused(error, await ownerOfRefusedEmail(manager, error, account))
            throw error
          }
          if (!user.is_active) {
            const inactive = new UsersError(ErrorCode.LOGIN_BAD_CREDENTIALS)
            refused(inactive, user.id)
            throw inactive
          }
          return user
        },
        onRefused: (error) => refused(error, null),
      })
      if (done === null) return reply
      const { linked: user, redirectTo } = done
      // As a password login does: a backend with refresh tokens adds one for its auth routes' `/refresh`.
      const response = await startSession(context, backend, user, { refreshRoute: context.refreshRoutes.get(backend), ...sessionOptions(context.sessions, request) })
      if (response.challenged) {
        if (router.frontendUrls === null) return sendTransportResponse(reply, response)
        const { challenge_token: challenge } = response.body as { challenge_token: string }
        return router.redirectBack(reply, redirectTo, new URLSearchParams({ two_factor_challenge: challenge }))
      }
      await loggedIn(context, user, { method: 'oauth', backend: backend.name }, request, reply)
      if (router.frontendUrls === null) return sendTransportResponse(reply, response)
      if (response.setCookies) reply.header('set-cookie', response.setCookies)
      return router.redirectBack(reply, redirectTo)
    })
  }
}
