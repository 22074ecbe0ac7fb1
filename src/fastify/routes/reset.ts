/**
 * `POST /forgot-password` and `POST /reset-password` (CONTRACT §5.3).
 *
 * forgot-password answers 202 `null` at once, for every address, and does its work after the
 * response: looking the user up, minting the token and running `onAfterForgotPassword` (which
 * usually sends an email) would otherwise make known addresses measurably slower than unknown
 * ones (CONTRACT, deliberate difference 6).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { prepareScope, sendNull, type RoutesContext } from '../context.ts'
import { EmailBody, ErrorResponse, NullResponse, ResetPasswordBody, ValidationErrorResponse } from '../schemas.ts'
import { runAfterResponse } from '../after-response.ts'

export function resetPasswordRoutes(context: RoutesContext): FastifyPluginAsync {
  const { manager } = context
  return async function resetPasswordPlugin(scope: FastifyInstance) {
    prepareScope(scope)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    app.post('/forgot-password', {
      schema: {
        operationId: 'reset:forgot_password',
        tags: ['auth'],
        summary: 'Send a reset-password token to an address, if it has an active account',
        body: EmailBody,
        response: { 202: NullResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('forgot-password'),
    }, async (request, reply) => {
      const { email } = request.body
      runAfterResponse(request, 'forgot-password', async () => {
        const user = await manager.getByEmail(email)
        if (user?.is_active) await manager.forgotPassword(user, request)
      })
      return sendNull(reply, 202)
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
