/**
 * One error handler for every route of fastify-users: FastAPI's error bodies (CONTRACT §3).
 *
 * - a `FastifyUsersError` → its status, headers and `{"detail": …}` (`UsersError`: 400
 *   `{"detail": code}` or `{"detail": {"code", "reason"}}`; `ServiceUnavailableError`: 503);
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
import { failedReadingBody } from './security/body-parsing.ts'
import { EMAIL_KEYWORD } from './validation.ts'

/** An HTTP error whose body is the reason phrase of its status. */
export class HttpError extends Error {
  readonly statusCode: number

  constructor(statusCode: number) {
    super(STATUS_CODES[statusCode] ?? 'Error')
    this.statusCode = statusCode
  }
}

/** Sends `{"detail": <reason phrase>}` with `statusCode`. */
export function sendStatus(reply: FastifyReply, statusCode: number): FastifyReply {
  return reply.code(statusCode).send({ detail: STATUS_CODES[statusCode] })
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

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof FastifyUsersError) {
    if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, error.message)
    return reply.code(error.statusCode).headers(error.headers).send({ detail: error.detail })
  }
  if (error.validation) {
    return reply.code(422).send({ detail: error.validation.map((e) => describe(e as ErrorObject, error.validationContext)) })
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatus(reply, 413)
  // Whatever a parser throws on a malformed body (multipart without its boundary, invalid
  // UTF-8…) is the client's error, not a 500; only a body too large keeps its 413.
  const unreadableBody = failedReadingBody(request) && error.statusCode !== 413
  if (BODY_ERRORS.has(error.code) || error instanceof SyntaxError || unreadableBody) {
    return reply.code(422).send({ detail: [{ type: 'body_error', loc: ['body'], msg: 'the request body could not be read' }] })
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return sendStatus(reply, status)
  request.log.error({ err: error }, 'unhandled error in a fastify-users route')
  return sendStatus(reply, 500)
}

function describe(error: ErrorObject, part = 'body'): { type: string; loc: (string | number)[]; msg: string } {
  const loc: (string | number)[] = [part, ...error.instancePath.split('/').slice(1).map(unescapePointer)]
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
