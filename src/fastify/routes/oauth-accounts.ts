/**
 * The current user's provider accounts (new routes; FastAPI Users has none):
 * - `GET /me/oauth-accounts`: the linked accounts, oldest first, as `OAuthAccountLink` items
 *   (provider, account id, email): never the provider's tokens;
 * - `DELETE /me/oauth-accounts/{provider}/{account_id}`: unlinks one, 204; 404 when the user
 *   has no such account; 400 `OAUTH_ACCOUNT_LAST_LOGIN_METHOD` when it is the last way in of a
 *   user without a password (oauth/unlink.ts).
 * Both are guarded as `/users/me` is (401 inactive or anonymous, 403 unverified when required).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { NotFoundError } from '../../errors.ts'
import { unlinkOAuthAccount } from '../../oauth/unlink.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import { ErrorResponse } from '../schemas.ts'
import { ignoreBodies } from '../security/body-parsing.ts'

export interface OAuthAccountsRoutesOptions {
  /** Only verified users may use these routes (403 otherwise). */
  requiresVerification?: boolean
}

/** A provider account as its user sees it: which provider, which account, which email. */
export const OAuthAccountLinkSchema = Type.Object(
  {
    oauth_name: Type.String(),
    account_id: Type.String(),
    account_email: Type.String(),
  },
  { title: 'OAuthAccountLink' },
)

const UnlinkParams = Type.Object({ provider: Type.String(), account_id: Type.String() })

/**
 * The plugin; applications get it from `fastifyUsers(…).oauthAccountsRoutes()`.
 *
 * @example
 * app.register(users.oauthAccountsRoutes(), { prefix: '/users' })
 */
export function oauthAccountsRoutes(context: RoutesContext, options: OAuthAccountsRoutesOptions = {}): FastifyPluginAsync {
  const { manager } = context
  const guard = context.currentUser({ active: true, verified: options.requiresVerification ?? false })
  const common = { tags: ['users'], security: context.backends.map((backend) => ({ [backend.name]: [] })) }

  return async function oauthAccountsPlugin(app: FastifyInstance) {
    prepareScope(app, context)
    ignoreBodies(app)

    app.get('/me/oauth-accounts', {
      schema: {
        ...common,
        operationId: 'users:current_user_oauth_accounts',
        summary: "The current user's linked provider accounts",
        response: { 200: Type.Array(OAuthAccountLinkSchema), 401: ErrorResponse, 403: ErrorResponse },
      },
      onRequest: guard,
    }, async (request) => {
      const accounts = await manager.db.listOAuthAccounts(request.user)
      return accounts.map(({ oauth_name, account_id, account_email }) => ({ oauth_name, account_id, account_email }))
    })

    app.withTypeProvider<TypeBoxTypeProvider>().delete('/me/oauth-accounts/:provider/:account_id', {
      schema: {
        ...common,
        operationId: 'users:delete_current_user_oauth_account',
        summary: 'Unlink a provider account from the current user',
        params: UnlinkParams,
        response: { 204: Type.Null(), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      onRequest: guard,
    }, async (request, reply) => {
      const { provider, account_id: accountId } = request.params
      const unlinked = await unlinkOAuthAccount(manager, request.user, { oauthName: provider, accountId, request })
      if (!unlinked) throw new NotFoundError()
      return reply.code(204).send(null)
    })
  }
}
