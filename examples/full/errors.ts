/**
 * The example's error handler, for its own routes (`/authenticated-route`, `/health…`); the
 * library's routes have theirs. It answers as they do: a `FastifyUsersError` (a refusal of the
 * `currentUser()` guard, a store that is unavailable: 503 with Retry-After) with its status,
 * headers and `{"detail": …}`; any other error with its status's reason phrase, and a 500 as
 * `{"detail": "Internal Server Error"}`. The error itself goes to the log only: a driver's
 * message names hosts, ports and SQL, which a client must never see.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance } from 'fastify'
import { FastifyUsersError, asServiceUnavailable } from 'fastify-users'

export function exampleErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    const error = asServiceUnavailable(thrown)
    if (error instanceof FastifyUsersError) {
      if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, error.message)
      return reply.code(error.statusCode).headers(error.headers).send({ detail: error.detail })
    }
    const status = thrown.statusCode !== undefined && thrown.statusCode >= 400 && thrown.statusCode < 500 ? thrown.statusCode : 500
    if (status === 500) request.log.error({ err: thrown }, 'unhandled error')
    return reply.code(status).send({ detail: STATUS_CODES[status] })
  })
}
