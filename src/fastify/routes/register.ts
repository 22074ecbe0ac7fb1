/**
 * `POST /register` (CONTRACT §5.2): the password policy first, then the duplicate check, then
 * a user created with the privileged fields ignored.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { UserCreateInput } from '../../manager.ts'
import { prepareScope, type RoutesContext } from '../context.ts'
import { ErrorResponse } from '../schemas.ts'

export function registerRoutes(context: RoutesContext): FastifyPluginAsync {
  const { manager, schemas } = context
  return async function registerPlugin(app: FastifyInstance) {
    prepareScope(app, context)
    app.post('/register', {
      schema: {
        operationId: 'register:register',
        tags: ['auth'],
        summary: 'Create an account',
        body: schemas.create,
        response: { 201: schemas.read, 400: ErrorResponse, 422: ErrorResponse },
      },
      ...context.security.routeHooks('register'),
    }, async (request, reply) => {
      const user = await manager.create(request.body as UserCreateInput, { safe: true, request })
      return reply.code(201).send(user)
    })
  }
}
