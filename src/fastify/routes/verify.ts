/**
 * `POST /request-verify-token` and `POST /verify` (CONTRACT §5.4). request-verify-token answers
 * 202 `null` at once and works after the response, like forgot-password (address-request.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { prepareScope, type RoutesContext } from '../context.ts'
import { ErrorResponse, TokenBody, ValidationErrorResponse } from '../schemas.ts'
import { registerAddressRequestRoute } from './address-request.ts'

export function verifyRoutes(context: RoutesContext): FastifyPluginAsync {
  const { manager, schemas } = context
  return async function verifyPlugin(scope: FastifyInstance) {
    prepareScope(scope, context)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    registerAddressRequestRoute(scope, context, {
      url: '/request-verify-token',
      operationId: 'verify:request-token',
      summary: 'Send a verification token to an address, if it has an active unverified account',
      action: 'request-verify-token',
      work: async (user, request) => {
        if (user.is_active && !user.is_verified) await manager.requestVerify(user, request)
      },
    })

    app.post('/verify', {
      schema: {
        operationId: 'verify:verify',
        tags: ['auth'],
        summary: 'Verify an address with a verification token',
        body: TokenBody,
        response: { 200: schemas.read, 400: ErrorResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('verify'),
    }, async (request) => {
      const { token } = request.body
      return manager.verify(token, request)
    })
  }
}
