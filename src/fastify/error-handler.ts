/**
 * How every error of fastify-users reaches the wire: FastAPI's error bodies (CONTRACT §3).
 *
 * `sendError` is the one renderer of a `FastifyUsersError` (its status, headers and
 * `{"detail": …}`); the route plugins' error handler and the `currentUser()` guard, which runs
 * on the application's routes under the application's error handler, both answer through it.
 * A store error that no adapter boundary converted (an application's own store, say) is a 503
 * too. The error handler also maps what Fastify itself throws:
 * - validation errors, and bodies Fastify could not parse or whose content type it does not
 *   accept, → 422 `{"detail": [{type, loc, msg}]}`, as FastAPI's request validation does;
 * - other client errors keep their status with the reason phrase as detail
 *   (`{"detail": "Unauthorized"}`);
 * - anything else → 500 `{"detail": "Internal Server Error"}`, logged, never described.
 */
import { STATUS_CODES } from 'node:http'
import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { FastifyUsersError } from '../errors.ts'
import { asServiceUnavailable } from '../store-unavailable.ts'
import { failedReadingBody } from './security/body-parsing.ts'
import { EMAIL_KEYWORD } from './validation.ts'

/**
 * Answers `error` as fastify-users answers every refusal. A 5xx is logged with its cause (the
 * driver's error), which never reaches the client.
 *
 * @example
 * if (error instanceof FastifyUsersError) return sendError(request, reply, error)
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: FastifyUsersError): FastifyReply {
  if (error.statusCode === 503) request.log.warn({ err: error.cause ?? error }, error.message)
  else if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error }, error.message)
  return reply.code(error.statusCode).headers(error.headers).send({ detail: error.detail })
}

/** An error of `statusCode` with the status's reason phrase as `detail`. */
function statusError(statusCode: number, cause?: unknown): FastifyUsersError {
  const message = cause === undefined ? undefined : 'unhandled error in a fastify-users route'
  return new FastifyUsersError(statusCode, STATUS_CODES[statusCode] ?? 'Error', { message, cause })
}

/** Fastify errors raised while reading a body, which FastAPI reports as a 422. */
const BODY_ERRORS = new Set([
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_EMPTY_TYPE',
  'FST_ERR_CTP_INVALID_TYPE',
  'FST_ERR_CTP_BODY_TOO_LARGE',
])

export function errorHandler(thrown: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = asServiceUnavailable(thrown) as FastifyError
  if (error instanceof FastifyUsersError) return sendError(request, reply, error)
  if (error.validation) {
    return reply.code(422).send({ detail: error.validation.map((e) => describe(e as ErrorObject, error.validationContext)) })
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(request, reply, statusError(413))
  // Whatever a parser throws on a malformed body (multipart without its boundary, invalid
  // UTF-8…) is the client's error, not a 500; only a body too large keeps its 413.
  const unreadableBody = failedReadingBody(request) && error.statusCode !== 413
  if (BODY_ERRORS.has(error.code) || error instanceof SyntaxError || unreadableBody) {
    return reply.code(422).send({ detail: [{ type: 'body_error', loc: ['body'], msg: 'the request body could not be read' }] })
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return sendError(request, reply, statusError(status))
  return sendError(request, reply, statusError(500, error))
}

/** Fastify's name of a request part, as FastAPI names it in `loc`. */
const FASTAPI_PARTS: Record<string, string> = { querystring: 'query' }

function describe(error: ErrorObject, part = 'body'): { type: string; loc: (string | number)[]; msg: string } {
  const loc: (string | number)[] = [FASTAPI_PARTS[part] ?? part, ...error.instancePath.split('/').slice(1).map(unescapePointer)]
  if (error.keyword === 'required') {
    return { type: 'missing', loc: [...loc, String(error.params.missingProperty)], msg: 'Field required' }
  }
  if (error.keyword === EMAIL_KEYWORD) {
    return { type: 'value_error', loc, msg: 'value is not a valid email address' }
  }
  return { type: error.keyword, loc, msg: error.message ?? 'invalid value' }
}

function unescapePointer(segment: string): string | number {
  const key = segment.replaceAll('~1', '/').replaceAll('~0', '~')
  return /^\d+$/.test(key) ? Number(key) : key
}
