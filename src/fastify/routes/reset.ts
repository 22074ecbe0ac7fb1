/**
 * `POST /forgot-password` and `POST /reset-password` (CONTRACT §5.3).
 *
 * forgot-password answers 202 `null` at once, for every address, and does its work after the
 * response (address-request.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { prepareScope, sendNull, type RoutesContext } from '../context.ts'
import { ErrorResponse, NullResponse, ResetPasswordBody, ValidationErrorResponse } from '../schemas.ts'
import { registerAddressRequestRoute } from './address-request.ts'

export function resetPasswordRoutes(context: RoutesContext): FastifyPluginAsync {
  const { manager } = context
  return async function resetPasswordPlugin(scope: FastifyInstance) {
    prepareScope(scope, context)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    registerAddressRequestRoute(scope, context, {
      url: '/forgot-password',
      operationId: 'reset:forgot_password',
      summary: 'Send a reset-password token to an address, if it has an active account',
      action: 'forgot-password',
      work: async (user, request) => {
        if (user.is_active) await manager.forgotPassword(user, request)
      },
    })

    app.post('/reset-password', {
      schema: {
        operationId: 'reset:reset_password',
        tags: ['auth'],
        summary: 'Set a new password with a reset-password token',
        body: ResetPasswordBody,
        response: { 200: NullResponse, 400: ErrorResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('reset-password'),
    }, async (request, reply) => {
      const { token, password } = request.body
      const user = await manager.resetPassword(token, password, request)
      await context.security.passwordReset(user.email)
      return sendNull(reply, 200)
    })
  }
}
