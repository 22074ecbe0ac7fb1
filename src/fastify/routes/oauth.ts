/**
 * OAuth login router (CONTRACT §5.6): `GET /authorize` and `GET /callback` of one provider
 * client and one authentication backend.
 *
 * The callback runs the flow's checks (state, CSRF cookie, single use; all before the code goes
 * to the provider), then the account logic (`oauthCallback`), refuses an inactive user with
 * `LOGIN_BAD_CREDENTIALS`, and answers as the backend's login does (bearer: 200 JSON; cookie:
 * 204 and `Set-Cookie`) after `onAfterLogin`. Every answer of the callback clears the CSRF
 * cookie. A provider that gives no email is `OAUTH_NOT_AVAILABLE_EMAIL`, as upstream.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { ErrorCode, UsersError } from '../../errors.ts'
import { oauthCallback } from '../../oauth/callback.ts'
import type { OAuthClient } from '../../oauth/client.ts'
import { prepareScope, sendTransportResponse, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse } from '../schemas.ts'
import { AuthorizeQuery, AuthorizeResponse, CallbackQuery, OAuthRouter, type OAuthRouteOptions } from './oauth-common.ts'

export interface OAuthRoutesOptions extends OAuthRouteOptions {
  /** Link a provider account to the existing user with the same verified email. Default false. */
  associateByEmail?: boolean
  /** `is_verified` of the users the callback creates. Default false. */
  isVerifiedByDefault?: boolean
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
  const router = new OAuthRouter(client, options)
  const login = backend.transport.loginResponse('token')
  if (router.frontendUrls !== null && login.body !== undefined) {
    throw new TypeError(`redirect mode needs a backend whose login sets a cookie; "${backend.name}" answers with a body`)
  }
  const name = `oauth:${client.name}.${backend.name}`
  const tags = [`auth:${client.name}`]

  return async function oauthPlugin(app: FastifyInstance) {
    prepareScope(app)

    app.get('/authorize', {
      schema: {
        operationId: `${name}.authorize`,
        tags,
        summary: `The ${client.name} authorization URL to send the browser to`,
        querystring: AuthorizeQuery,
        response: { 200: AuthorizeResponse, 400: ErrorResponse, 422: ErrorResponse },
      },
    }, (request, reply) => router.authorize(app, request, reply))

    app.get('/callback', {
      schema: {
        operationId: `${name}.callback`,
        tags,
        summary: `Where ${client.name} sends the browser back: log in, creating the user if needed`,
        querystring: CallbackQuery,
        response: router.frontendUrls === null
          ? { [login.statusCode]: login.body === undefined ? Type.Null() : Type.Unknown(), 400: ErrorResponse, 422: ErrorResponse }
          : { 302: Type.Null(), 422: ErrorResponse },
      },
    }, async (request, reply) => {
      reply.header('set-cookie', router.flow.cookie.clear())
      let redirectTo: string | null = null
      let user: User
      try {
        const { state, tokens, profile } = await router.flow.finish({
          headers: request.headers,
          query: router.callbackQuery(request),
          redirectUri: router.callbackUrl(app, request),
        })
        redirectTo = state.redirectTo
        if (profile.email === null) throw new UsersError(ErrorCode.OAUTH_NOT_AVAILABLE_EMAIL)
        user = await oauthCallback(manager, {
          oauthName: client.name,
          accessToken: tokens.accessToken,
          expiresAt: tokens.expiresAt,
          refreshToken: tokens.refreshToken,
          accountId: profile.accountId,
          accountEmail: profile.email,
          emailVerified: profile.emailVerified,
          associateByEmail: options.associateByEmail ?? false,
          isVerifiedByDefault: options.isVerifiedByDefault ?? false,
          request,
        })
        if (!user.is_active) throw new UsersError(ErrorCode.LOGIN_BAD_CREDENTIALS)
      } catch (error) {
        return router.refuse(reply, error, redirectTo)
      }
      const response = await backend.login(user)
      await manager.hooks.onAfterLogin?.(user, request, reply)
      if (router.frontendUrls === null) return sendTransportResponse(reply, response)
      if (response.setCookies) reply.header('set-cookie', response.setCookies)
      return reply.redirect(router.frontendTarget(redirectTo), 302)
    })
  }
}
