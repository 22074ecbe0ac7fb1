/**
 * OAuth associate router (CONTRACT §5.7): an authenticated user links a provider account.
 * Both routes are guarded first (401 inactive or anonymous, 403 unverified when verification
 * is required). `/authorize` puts the user's id into the state's `sub`; the callback runs the
 * flow's checks, refuses a state of another user (400 `Bad Request`) before the code is
 * exchanged, links the account (`oauthAssociateCallback`) and answers 200 with the user.
 *
 * When the application's read model declares `oauth_accounts`, the user is sent with its
 * accounts; the base read model has none. A form-POST provider (Apple) also gets an unguarded
 * `POST /callback`, which only sends the browser on to the guarded `GET /callback`: the
 * provider's cross-site POST carries no login cookie (oauth-common.ts).
 */
import formbody from '@fastify/formbody'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { oauthAssociateCallback } from '../../oauth/callback.ts'
import type { OAuthClient } from '../../oauth/client.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { AuthorizeQuery, AuthorizeResponse, CallbackQuery, OAuthRouter, type OAuthRouteOptions } from './oauth-common.ts'

export interface OAuthAssociateRoutesOptions extends OAuthRouteOptions {
  /** Only verified users may link accounts (403 otherwise). */
  requiresVerification?: boolean
}

/**
 * The plugin of the associate router; applications get it from `fastifyUsers(…).oauthAssociateRoutes()`.
 *
 * @example
 * app.register(oauthAssociateRoutes(context, google, { stateSecret: SECRET }), { prefix: '/auth/associate/google' })
 */
export function oauthAssociateRoutes(
  context: RoutesContext,
  client: OAuthClient,
  options: OAuthAssociateRoutesOptions,
): FastifyPluginAsync {
  const { manager, schemas } = context
  const router = new OAuthRouter(client, options)
  const guard = context.currentUser({ active: true, verified: options.requiresVerification ?? false })
  const withAccounts = 'oauth_accounts' in schemas.read.properties
  const name = `oauth-associate:${client.name}`
  const common = {
    tags: [`auth:${client.name}`],
    security: context.backends.map((backend) => ({ [backend.name]: [] })),
  }

  return async function oauthAssociatePlugin(app: FastifyInstance) {
    prepareScope(app, context)

    app.get('/authorize', {
      schema: {
        ...common,
        operationId: `${name}.authorize`,
        summary: `The ${client.name} authorization URL that links an account to the current user`,
        querystring: AuthorizeQuery,
        response: { 200: AuthorizeResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 422: ValidationErrorResponse, 502: ErrorResponse },
      },
      onRequest: guard,
    }, (request, reply) => router.authorize(app, request, reply, request.user.id))

    if (client.responseMode === 'form_post') {
      await app.register(formbody)
      app.post('/callback', {
        schema: { operationId: `${name}.callback.form`, tags: common.tags, summary: `Where ${client.name} posts the browser back: on to GET /callback`, response: { 303: Type.Null() } },
      }, (request, reply) => router.formPostCallback(app, request, reply))
    }

    app.get('/callback', {
      schema: {
        ...common,
        operationId: `${name}.callback`,
        summary: `Where ${client.name} sends the browser back: link the account to the current user`,
        querystring: CallbackQuery,
        response: router.frontendUrls === null
          ? { 200: schemas.read, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 422: ValidationErrorResponse, 502: ErrorResponse }
          : { 302: Type.Null(), 401: ErrorResponse, 403: ErrorResponse, 422: ValidationErrorResponse },
      },
      onRequest: guard,
    }, async (request, reply) => {
      const done = await router.callback(app, request, reply, {
        subject: request.user.id,
        link: (account) => oauthAssociateCallback(manager, request.user, { ...account, request }),
      })
      if (done === null) return reply
      if (router.frontendUrls !== null) return router.redirectBack(reply, done.redirectTo)
      if (!withAccounts) return done.linked
      return { ...done.linked, oauth_accounts: await manager.db.listOAuthAccounts(done.linked) }
    })
  }
}
