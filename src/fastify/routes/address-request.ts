/**
 * The routes that take an email address and answer 202 `null` at once, whatever the address:
 * forgot-password and request-verify-token. Looking the user up, minting the token and running
 * the hook (which usually sends a mail) happen after the response, so that the answer's timing
 * tells nothing about the address (CONTRACT, deliberate difference 6; see after-response.ts).
 * The mail throttle counts every request, known address or not, before the lookup, so that it
 * tells nothing either (deliberate difference 14).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { runAfterResponse } from '../after-response.ts'
import { sendNull, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { EmailBody, NullResponse, ValidationErrorResponse } from '../schemas.ts'
import type { ThrottledMail } from '../../security/mail-throttle.ts'

export interface AddressRequestRoute {
  url: string
  operationId: string
  summary: string
  /** The rate limit and the mail throttle the route counts against. */
  action: ThrottledMail
  /** What is done, after the response, for the user the address belongs to, if any. */
  work(user: User, request: FastifyRequest): Promise<void>
}

export function registerAddressRequestRoute(app: FastifyInstance, context: RoutesContext, route: AddressRequestRoute): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(route.url, {
    schema: {
      operationId: route.operationId,
      tags: ['auth'],
      summary: route.summary,
      body: EmailBody,
      response: { 202: NullResponse, 422: ValidationErrorResponse },
    },
    ...context.security.routeHooks(route.action),
  }, async (request, reply) => {
    const { email } = request.body
    runAfterResponse(request, route.action, async () => {
      if (!(await context.security.mailAllowed(route.action, email, request))) return
      const user = await context.manager.getByEmail(email)
      if (user) await route.work(user, request)
    })
    return sendNull(reply, 202)
  })
}
