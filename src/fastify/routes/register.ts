/**
 * `POST /register` (CONTRACT §5.2): the password policy first, then the duplicate check, then
 * a user created with the privileged fields ignored.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { prepareScope, type RoutesContext } from '../context.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'

export function registerRoutes(context: RoutesContext): FastifyPluginAsync {
  const { manager, schemas } = context
  return async function registerPlugin(scope: FastifyInstance) {
    prepareScope(scope, context)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    app.post('/register', {
      schema: {
        operationId: 'register:register',
        tags: ['auth'],
        summary: 'Create an account',
        body: schemas.create,
        response: { 201: schemas.read, 400: ErrorResponse, 422: ValidationErrorResponse },
      },
      ...context.security.routeHooks('register'),
    }, async (request, reply) => {
      const user = await manager.create(request.body, { safe: true, request })
      return reply.code(201).send(user)
    })
  }
}
