/**
 * `POST /request-verify-token` and `POST /verify` (CONTRACT §5.4). request-verify-token answers
 * 202 `null` at once and works after the response, like forgot-password, so that the answer
 * tells nothing about the address.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { runAfterResponse } from '../after-response.ts'
import { prepareScope, sendNull, type RoutesContext } from '../context.ts'
import { EmailBody, ErrorResponse, NullResponse, TokenBody, ValidationErrorResponse } from '../schemas.ts'

export function verifyRoutes(context: RoutesContext): FastifyPluginAsync {
  const { manager, schemas } = context
  return async function verifyPlugin(scope: FastifyInstance) {
    prepareScope(scope)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    app.post('/request-verify-token', {
      schema: {
        operationId: 'verify:request-token',
        tags: ['auth'],
        summary: 'Send a verification token to an address, if it has an active unverified account',
        body: EmailBody,
        response: { 202: NullResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('request-verify-token'),
    }, async (request, reply) => {
      const { email } = request.body
      runAfterResponse(request, 'request-verify-token', async () => {
        const user = await manager.getByEmail(email)
        if (user?.is_active && !user.is_verified) await manager.requestVerify(user, request)
      })
      return sendNull(reply, 202)
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
