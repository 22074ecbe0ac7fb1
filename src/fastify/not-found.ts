/**
 * FastAPI's answer to a path no route serves: 404 `{"detail": "Not Found"}` (Fastify's own
 * names the method and path, in its own shape).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * For `app.setNotFoundHandler`.
 *
 * @example
 * app.setNotFoundHandler(notFoundHandler)
 */
export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ detail: 'Not Found' })
}
