/**
 * Verified email change on the wire (opt-in, `emailChange` option). `PATCH /users/me` with a
 * new address (beyond its letter case) applies the other fields at once, leaves the address
 * as it is, and mails a token to the new address and a notice to the current one (after the
 * response); `POST /email-change/confirm {token}` makes the change and answers the user.
 * Without the option, `PATCH /users/me` changes the address at once, as FastAPI Users does.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { EmailChanges } from '../../email-change/email-change.ts'
import type { UserUpdateInput } from '../../manager.ts'
import { runAfterResponse } from '../after-response.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import type { User } from '../request.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'

const EmailChangeConfirmBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }, { title: 'EmailChangeConfirm' })

/** `PATCH /users/me`: the update, with a new address held back for confirmation when the option is on. */
export async function updateCurrentUser(context: RoutesContext, request: FastifyRequest, body: UserUpdateInput): Promise<User> {
  const options = { safe: true, request, sessionToken: request.authentication?.token }
  const changes = context.emailChanges
  if (changes === null || body.email === undefined || !changes.needsConfirmation(request.user, body.email)) {
    return context.manager.update(request.user, body, options)
  }
  const { email, ...rest } = body
  // Checked first, so that a taken address refuses the whole update, as an immediate change does.
  const messages = await changes.start(request.user, email)
  const user = await context.manager.update(request.user, rest, options)
  runAfterResponse(request, 'email-change', () => changes.send(messages, request))
  return user
}

/** `POST /email-change/confirm`. */
export function emailChangeRoutes(context: RoutesContext, changes: EmailChanges<User, FastifyRequest>): FastifyPluginAsync {
  return async function emailChangePlugin(app: FastifyInstance) {
    prepareScope(app, context)
    app.withTypeProvider<TypeBoxTypeProvider>().post('/email-change/confirm', {
      schema: {
        operationId: 'email-change:confirm',
        tags: ['users'],
        summary: 'Change the address with the token mailed to the new one',
        body: EmailChangeConfirmBody,
        response: { 200: context.schemas.read, 400: ErrorResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('verify'),
    }, async (request) => changes.confirm(request.body.token, request))
  }
}
